"""What goes in and out as text: the network file, share links, numbers typed as text, the command line."""

"""The Design page's rules, pure: how form values become a spec and the next network, which data an
imported network fits, and a weight matrix as an editable table."""

"""The lesson of one step: its stages and what each reveals, the equations of any element with the live
numbers, what everything is called, which element is selected, the tables, the presets and the Markdown
export."""

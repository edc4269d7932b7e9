"""Draft a fact file from the author's own Markdown notes.

`note` reads a note into its shapes, `facts` turns shapes into fact entries,
`yamlout` writes them as a commented fact file, and `merge` adds a re-drafted note
to a base without touching what the author has edited.
"""

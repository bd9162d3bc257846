"""Reading resident lists (CSV or Excel) into checked rows and a plan of changes.

reading   bytes -> a table of text cells (format, encoding and delimiter detected)
columns   header names -> fields, in Chinese or English; the template's columns
cleaning  one row of cells -> normalised values, or the reasons it cannot be imported
planning  checked rows + the estate's residents -> new / updated / unchanged / invalid
writing   a plan -> set-based inserts and updates, with history rows
problems  the reasons, as codes rendered in the reader's language
"""

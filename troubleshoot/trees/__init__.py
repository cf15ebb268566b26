"""Decision trees: trees, versions, nodes and answers, the publishing rules, JSON
import/export, the library and the editor, and the demo trees. Imports accounts (and may
import live); never sessions."""

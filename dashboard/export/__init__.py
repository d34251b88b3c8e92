"""Exports for briefings, from the same panels the pages draw (dashboard/panels/):
`images` (PNG/SVG/PDF, laid out by `layout`, PDF titles by `pdfinfo`), `tables` (CSV/XLSX),
`lists` (the action lists of Delays and Funding, as table-only panels), `pack` (the
briefing pack ZIP) and the command line ``python -m dashboard.export`` (`cli`). No Streamlit here.

Every exported chart carries, inside the image, its title, the selection in words, the
source, the date and, when it shows demo rows, the demo warning; every exported table has
plain-word headers, cells a spreadsheet would run as a formula neutralised, and the export
date and demo flag on every row.
"""

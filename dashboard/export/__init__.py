"""Exports for briefings, from the same panels the pages draw (dashboard/panels/):
`images` (PNG/SVG/PDF), `tables` (CSV/XLSX), `pack` (the briefing pack ZIP) and the
command line ``python -m dashboard.export`` (`cli`). No Streamlit here.

Every exported chart carries its title, the selection in words, the source, the date and,
when it shows demo rows, "includes demo data"; every exported table has plain-word
headers and cells a spreadsheet would run as a formula neutralised.
"""

"""Pure chart builders: DataFrames in, Plotly figures out (no Streamlit, no database).

`dashboard.charts.style` holds the one look every chart shares: fonts, palette, the
meaning of each hatch, the Plotly template (set once, as Plotly's default) and the title /
subtitle / source layout. The other modules hold one chart per function, by topic.
"""

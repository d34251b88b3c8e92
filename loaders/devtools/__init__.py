"""Development tools, never imported by the runtime path (parse, load, build, check).

- ``demo`` (with ``demo_parties``, ``demo_simulate``, ``demo_plan``, ``demo_markup`` and
  the phrasebook ``demo_phrases.yaml``): the deterministic generator of the fictional
  demo corpus behind ``python -m loaders demo``;
- ``render_model``, ``render_docx``, ``render_pdf``: markup text drawn as Word documents
  and PDFs (the demo corpus and the test fixtures of tests/make_fixtures.py);
- ``evaluate``: ``python -m loaders.devtools.evaluate``, precision and recall of the
  extraction lexicon on labelled sentences.

They may need the development dependencies (requirements-dev.txt: Playwright for PDFs).
Their code is not part of `loaders.store.loader_version`: editing them re-loads nothing.
"""

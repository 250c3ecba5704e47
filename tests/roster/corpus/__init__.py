"""The pieces of the roster-guard corpus generator (tests/roster/make_corpus.py).

names    people's names, readings, kana and romaji conversion
places   prefectures, municipalities, 町名, addresses, postal codes, phones
values   dates and eras, My Number, e-mail, persons and per-file styles
model    the document model (tables, paragraphs, typed cells)
writers  CSV/TSV/text renderers, encodings, XLSX/ODS/DOCX writers
prose    Japanese sentences for minutes, reports and news
rosters  the roster categories (label roster)
negatives the hard negative categories (label negative)
big      large files for throughput benchmarks
hostile  files built to break parsers (label hostile)
"""

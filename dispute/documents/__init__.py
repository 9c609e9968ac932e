"""Documents for every step of a dispute (issue 13): letters to the lender, complaints to the
regulator and the credit bureau, mediation applications and court filings, filled in from the
dispute and written as DOCX and PDF.

kinds.py      the declared table of kinds: jurisdiction, who makes it, languages, source
facts.py      DocumentFacts: everything a document can say, each field optional
service.py    facts_for(ctx, actor, number, kind): the facts, with access and masking decided
values.py     the placeholder paths, their blanks' labels, facts → values in one language
template.py   templates are data (templates/<kind>.<lang>.toml), validated when loaded
compose.py    template + values → a neutral document (runs of text, blanks marked)
to_docx.py, to_pdf.py   the two writers (html/ holds the PDF's page and style sheet)
daxie.py      amounts in Chinese capital numerals (大写)
make.py       render_document(kind, facts, fmt, lang) and blanks(kind, facts, lang)
"""

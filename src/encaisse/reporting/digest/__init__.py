"""The weekly portfolio e-mail: each rep's portfolio, each manager's scope by rep.

- ``selectors``: the digest of one user as a plain record, from the aged balance's own
  functions (its figures are those of ``encaisse report aged-balance --user U``);
- ``composing``: that record as an e-mail (text and HTML) in the recipient's language, and
  as JSON;
- ``sending``: once per user and ISO week, claimed before sending.
"""

"""Factur-X / ZUGFeRD invoices, one package: ``reader`` reads the XML a PDF carries (pure),
``service`` imports the invoice and keeps its PDF."""

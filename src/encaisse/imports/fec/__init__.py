"""The FEC (Fichier des Écritures Comptables), one package: ``reader`` turns its lines into
ledger rows (pure), ``loaders`` write them and the lettering, ``service`` runs an import."""

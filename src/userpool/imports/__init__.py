"""Bulk user import: the CSV format (`csvfile`), the job documents (`jobs`) and the importer
that writes users in batches, resumably (`runner`)."""

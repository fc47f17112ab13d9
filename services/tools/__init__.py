"""Tools beside the journal: the demo school, backups, migrations, deployment settings."""

# The command line of a deployment (docs/deploy.md).

cli-schema_behind = The PostgreSQL database's schema does not match this version (in the database: { $current }, needed: { $head }). Run "python -m bot migrate" first: only that command changes the schema.

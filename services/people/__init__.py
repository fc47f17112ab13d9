"""People, accounts and access: who acts (identity, context), the access policy, credentials,
rosters, families, class teachers, enrolment."""

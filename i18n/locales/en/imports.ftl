### Import messages (row errors and summaries).

import-unknown_kind = Unknown import kind "{ $kind }". Available: { $kinds }.

import-row_column = Row { $row }, column "{ $column }": { $message }

import-row_only = Row { $row }: { $message }

import-file_only = File: { $message }

import-summary = { $title }: { $rows } rows; created { $created }, updated { $updated }, unchanged { $unchanged }.

import-summary_dry = Dry run, nothing written. { $title }: { $rows } rows; would create { $created }, update { $updated }, leave { $unchanged } unchanged.

import-rejected = File rejected: { $count } errors. Nothing was changed.

import-progress-read = File read: { $rows } data rows. Checking the rows…

import-progress-check = Rows checked: { $done } of { $total }…

import-error-encoding = the file is not UTF-8 (or Windows-1251) text

import-error-unreadable = the file cannot be read as CSV or XLSX

import-error-old_xls = the .xls format is not supported: save the file as .xlsx or .csv

import-error-too_big = the file is larger than { $limit_mb } MB

import-error-too_many_rows = the file has more than { $limit } rows

import-error-too_many_columns = row { $row } has more than { $limit } filled columns

import-error-line_too_long = line { $row } is longer than { $limit } characters — this is not a table to import

import-error-unpacked_too_big = the XLSX file unpacks too large (more than { $limit_mb } MB, or it is packed suspiciously tight) — this is not a table to import

import-error-empty_file = the file is empty

import-error-no_rows = the file has no data rows

import-error-missing_column = required column is missing

import-error-duplicate_column = the column appears twice

import-error-required = a required value is empty

import-error-too_long = the value is too long (more than { $limit } characters)

import-error-control_char = a forbidden invisible control character ({ $char }) — remove it from the cell

import-error-bad_date = "{ $value }" is not a date (expected DD.MM.YYYY)

import-error-bad_time = "{ $value }" is not a time (expected HH:MM)

import-error-time_order = the lesson must start before it ends

import-error-bad_number = "{ $value }" is not a number from { $low } to { $high }

import-error-bad_weekday = "{ $value }" is not a weekday (1-7, Mon…Sun)

import-error-bad_role = unknown role "{ $value }"

import-error-bad_class_name = "{ $value }" is not a class name (a grade 1-11 and a letter, e.g. 7A)

import-error-bad_email = "{ $value }" is not an email address

import-error-duplicate_in_file = the value "{ $value }" already appeared in row { $other_row }

import-error-unknown_class = there is no class "{ $value }" in the school year { $year }

import-error-unknown_year = there is no school year "{ $value }"

import-error-unknown_staff = no staff member with id "{ $value }" (import the staff first)

import-error-not_staff = "{ $value }" is not a staff member

import-error-unknown_subject = no subject "{ $value }" (import the subjects first)

import-error-unknown_student = no student with id "{ $value }" (import the students first)

import-error-student_conflict = the id "{ $value }" belongs to a person of another category (student vs. non-student)

import-error-name_taken = the name "{ $value }" is taken by another subject

import-error-date_outside_year = the date { $value } is outside the school year { $year }

import-error-transfer_date = the transfer date { $value } must be after the enrolment in the previous class ({ $since })

import-error-teacher_busy = the teacher already has a lesson at this time (row { $other_row })

import-error-no_year = the school has no school year: open one first

import-error-database = the database did not accept this row: such a record already exists or has just appeared (for example, the same file is being imported at the same time) — check the data and send the file again

import-file_gone = The file is no longer available in the messenger: send it again.

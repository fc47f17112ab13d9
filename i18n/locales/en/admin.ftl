### Errors of the school office's use cases (services/school/school_year.py, people/enrolment.py, timetable/, imports, reports).

admin-school_not_found = No school with the code "{ $school }".

admin-school_required = Name the school (--school CODE): there are several.

admin-no_year = The school has no school year.

admin-year_not_found = No school year "{ $year }".

admin-year_exists = The school year "{ $year }" exists already.

admin-year_dates = Bad name or dates of the school year.

admin-period_outside_year = The period "{ $period }" is outside the school year.

admin-year_order = Students are promoted from an earlier year only.

admin-bad_class_name = "{ $name }" is not a class name.

admin-year_closed = The school year "{ $year }" is closed already.

admin-year_not_closed = Close the school year "{ $year }" first.

admin-year_archived = The school year "{ $year }" is archived.

admin-not_a_student = This person is not a student.

admin-student_not_found = Students not found: { $ids }.

admin-date_outside_year = The date { $date } is outside the school year { $year }.

admin-already_enrolled = The student is already in a class on that date.

admin-not_enrolled = The student is not in any class.

admin-departure_before_arrival = The date must be after the enrolment ({ $since }).

admin-same_class = The student is in this class already.

admin-not_a_teacher = Only a teacher can substitute.

admin-substitute_is_teacher = That is the scheduled teacher: no substitution needed.

admin-no_substitution = No substitution for this lesson.

admin-note_required = Write the remark.

control_work-exists = A control work of this subject on { $date } exists already.

control_work-too_many = { $class } has { $count } control works on { $date } (limit { $limit }): { $subjects }.

report-unknown_kind = Unknown report "{ $kind }".

report-unknown_format = The report format must be pdf or xlsx.

report-missing_param = The report parameter "{ $param }" is missing.

report-bad_param = Bad value of the parameter "{ $param }": { $value }.

report-not_found = Not found: { $what } "{ $value }".

### Report labels (Russian is the reports' first language).

report-class = Class: { $name }

report-class_teacher = Class teacher: { $name }

report-period = Period: { $name } ({ $start } – { $end })

report-month = Month: { $name } { $year }

report-year = School year: { $name }

report-school = { $name }

report-generated = Generated { $at }

report-subject = Subject: { $name }

report-teacher = Teacher: { $name }

report-dates = { $start } – { $end }

report-n = No.

report-student = Student

report-total = Total

report-nobody = —

report-sign_teacher = Subject teacher: ____________________ / ____________________ /    date __________

report-sign_class_teacher = Class teacher: ____________________ / ____________________ /    date __________

report-sign_deputy = Deputy head: ____________________ / ____________________ /    date __________

report-sign_parent = Read by the parent (legal guardian): ____________________ / ____________________ /

report-param-class = Class

report-param-period = Study period

report-param-month = Month (YYYY-MM)

report-param-subject = Subject

report-param-subgroup = Subgroup

report-param-student = Student (id)

report-param-date = Date (any day of the week)

report-param-date_from = From

report-param-date_to = To

report-param-year = School year

report-attendance_month-title = Class attendance for a month

report-attendance_month-sheet = Attendance

report-attendance_month-days = Lessons missed by day

report-attendance_month-missed = Lessons missed

report-attendance_month-all = All

report-attendance_month-ill = Ill

report-attendance_month-excused = Exc.

report-attendance_month-absent = Abs.

report-attendance_month-late = Late

report-attendance_month-day_total = Day total

report-attendance_month-lessons = Lessons held: { $count }

report-attendance_month-legend = Numbers are lessons missed that day. Ill, excused (good reason), absent without a reason, late arrivals.

report-class_results-title = Class results for a study period

report-class_results-sheet_subjects = By subject

report-class_results-by_subject = Results by subject

report-class_results-by_student = Results by student

report-class_results-subject = Subject

report-class_results-teacher = Teacher

report-class_results-certified = Graded

report-class_results-n5 = "5"

report-class_results-n4 = "4"

report-class_results-n3 = "3"

report-class_results-n2 = "2"

report-class_results-na = n/c

report-class_results-average = Average

report-class_results-quality = Quality, %

report-class_results-success = Success, %

report-class_results-cell = Period mark (average)

report-class_results-summary = Class summary

report-class_results-category = Category

report-class_results-count = Count

report-class_results-students = Students

report-class_results-excellent = All fives

report-class_results-good = Fours and fives

report-class_results-one_three = One "3"

report-class_results-satisfactory = Passing with threes

report-class_results-failing = Failing

report-class_results-not_certified = Not certified

report-class_results-suggested_note = {"*"} the period mark is not set yet; the suggested one from the average is shown.

report-class_results-class_quality = Class quality: { $value } %; success: { $success } %.

report-marks_summary-title = Summary sheet of marks

report-marks_summary-sheet = Summary of marks

report-marks_summary-year_mark = Year

report-marks_summary-exam = Exam

report-marks_summary-final = Final

report-attendance_summary-title = Summary sheet of attendance

report-attendance_summary-sheet = Attendance

report-attendance_summary-legend = Lessons missed: absent without a reason, ill, excused; late arrivals.

report-attendance_summary-all = All

report-movement-title = Student movement

report-movement-sheet = Movement

report-movement-events = Arrivals and departures

report-movement-date = Date

report-movement-student = Student

report-movement-event = Event

report-movement-from = From class

report-movement-to = To class

report-movement-note = Note

report-movement-arrived = arrival

report-movement-left = departure

report-movement-transfer = transfer

report-movement-summary = Class sizes

report-movement-class = Class

report-movement-at_start = At start

report-movement-came = Arrived

report-movement-went = Left

report-movement-at_end = At end

report-movement-none = No movement in the period.

report-class_teacher_report-title = Class teacher's report for a study period

report-class_teacher_report-sheet = Class teacher report

report-class_teacher_report-contingent = Students at the start: { $start }; at the end: { $end }; arrived: { $came }; left: { $went }.

report-class_teacher_report-results = Results

report-class_teacher_report-students_table = Students

report-class_teacher_report-missed = Lessons missed

report-class_teacher_report-all = All

report-class_teacher_report-ill = Ill

report-class_teacher_report-excused = Excused

report-class_teacher_report-absent = Unexcused

report-class_teacher_report-late = Late

report-class_teacher_report-attendance_total = Lessons missed: { $all }, ill { $ill }, excused { $excused }, unexcused { $absent }; late { $late }.

report-journal_pages-menu = Printable journal pages of a subject

report-journal_pages-title = Class journal: { $cls }, { $subject }

report-journal_pages-sheet = Journal

report-journal_pages-topics = Lesson record: { $cls }, { $subject }

report-journal_pages-topics_sheet = Topics

report-journal_pages-date = Date

report-journal_pages-lesson = Lesson

report-journal_pages-topic = Topic

report-journal_pages-homework = Homework

report-journal_pages-who = Teacher

report-journal_pages-substitute = { $name } (substitute)

report-journal_pages-average = Avg

report-journal_pages-period_mark = Period

report-journal_pages-group = Subgroup: { $name }

report-journal_pages-legend = н absent, б ill, уп excused, оп late.

report-family_weekly-title = Weekly report on marks and attendance

report-family_weekly-sheet = Week

report-family_weekly-student = Student: { $name }

report-family_weekly-week = Week: { $start } – { $end }

report-family_weekly-day = Day

report-family_weekly-lesson = Lesson

report-family_weekly-subject = Subject

report-family_weekly-topic = Topic

report-family_weekly-homework = Homework

report-family_weekly-marks = Marks

report-family_weekly-attendance = Att.

report-family_weekly-period_marks = Marks of the period "{ $period }"

report-family_weekly-all_marks = Marks

report-family_weekly-average = Average

report-family_weekly-no_lessons = No lessons this week.

report-family_weekly-basis = Issued at the parent's request at least once a week.

report-activity-title = Journal activity for a month

report-activity-sheet_teachers = Teachers

report-activity-sheet_families = Parents and students

report-activity-teachers = Teachers filling in the journal

report-activity-teacher = Teacher

report-activity-lessons = Lessons

report-activity-attendance = Attendance

report-activity-topic = Topic

report-activity-homework = Homework

report-activity-marks = Marks

report-activity-fill = Filled, %

report-activity-families = Parents' and students' activity

report-activity-class = Class

report-activity-students = Students

report-activity-parents = Parents

report-activity-connected = Connected

report-activity-active = Active

report-activity-share = Active, %

report-activity-group_students = Students

report-activity-group_parents = Parents

report-activity-note = Filled: the share of lessons with attendance, topic and (except grade 1) homework. Active: used the bot or the journal this month.

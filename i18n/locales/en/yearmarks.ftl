## Year, exam and final marks; closing a study period; reminders.

yearmarks-kind = { $mark_kind ->
    [exam] exam
    [final] final
   *[year] year
}

yearmarks-notify_set = 🏁 <b>{ $student }</b>: { $mark_kind ->
    [exam] exam
    [final] final
   *[year] year
} mark, { $subject } ({ $year }) — <b>{ $value }</b>.

yearmarks-notify_brief = 🏁 <b>{ $student }</b>: { $mark_kind ->
    [exam] exam
    [final] final
   *[year] year
} mark ({ $subject }) — open the diary.

yearmarks-remind_period_title = 📝 The last week of «{ $period }» (until { $date }): please set the period marks.

yearmarks-remind_period_item = • { $class_name }, { $subject }: without a mark — { $missing }

yearmarks-remind_control_title = 📝 Control-work results are due within a day of the work. Not entered yet:

yearmarks-remind_control_item = • { $date }, { $class_name }, { $subject }: { $title }

yearmarks-bad_kind = This kind of final mark cannot be set.

yearmarks-locked = The year, exam and final marks of { $year } were approved by the teachers' council and are locked. They can be changed after a deputy head unlocks them.

yearmarks-period_already_closed = The period «{ $period }» is already closed.

yearmarks-period_not_closed = The period «{ $period }» is not closed.

yearmarks-year_closed = The school year { $year } is closed: its periods cannot be reopened.

yearmarks-council_outside_year = The teachers' council's date must fall within the school year { $year } or within a month after it.

yearmarks-period_marks_locked = The period «{ $period }» is closed: its marks can be changed only after a deputy head unlocks them.

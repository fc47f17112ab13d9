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

yearmarks-tab = { $mark_kind ->
    [exam] Exam
    [final] Final
   *[year] Year
}

yearmarks-sheet_title = <b>{ $cls } · { $subject } · { $year }</b>: { $mark_kind ->
    [exam] exam marks
    [final] final marks
   *[year] year marks
}

yearmarks-sheet_legend = Each row: the period marks ({ $periods }), the year mark (suggested), the exam, the final mark (suggested). The year mark suggested is the mean of the period marks by the thresholds 2.5 / 3.5 / 4.5; the final one is the year mark, or with an exam the mean of the year and exam marks, rounded up from .5.

yearmarks-council = Teachers' council: { $date }.

yearmarks-row = { $n }. { $student }: { $periods } → year <b>{ $year }</b> ({ $suggested_year }), exam <b>{ $exam }</b>, final <b>{ $final }</b> ({ $suggested_final })

yearmarks-fill = ✅ Set the suggested marks ({ $count })

yearmarks-back = ↩ Back to the sheet

yearmarks-pick_value = <b>{ $student }</b>: { $mark_kind ->
    [exam] exam
    [final] final
   *[year] year
} mark (suggested: { $suggested }). Which one to set?

yearmarks-saved = ✅ { $mark_kind ->
    [exam] Exam
    [final] Final
   *[year] Year
} marks saved: new { $created }, changed { $changed }, unchanged { $same }.

yearmarks-no_year = The school has no school year.

periods-title = <b>Study periods of { $year }</b>

periods-row = { $closed ->
    [yes] 🔒
   *[no] 🟢
} { $name }: { $starts } — { $ends }; without a period mark: { $missing }

periods-hint = A closed period: its lessons and period marks change only after an unlock with a reason.

periods-close = 🔒 Close: { $name }

periods-confirm = Close the period «{ $name }»? Without a period mark: { $missing }. Teachers will not be able to change its lessons and marks without an unlock.

periods-confirm_yes = Yes, close it

periods-back = ↩ Back to the periods

periods-closed = 🔒 The period «{ $name }» is closed. Still without a period mark: { $missing }.

periods-none = The school year has no periods.

periods-council_unset = The teachers' council date is not set.

periods-council_button = 📅 Teachers' council date

periods-council_prompt = Send the date of the teachers' council approving the year's results: DD.MM or DD.MM.YYYY. After that day the year, exam and final marks are locked.

periods-council_bad = That is not a date. Write it as DD.MM or DD.MM.YYYY, for example 28.05.

periods-council_set = 📅 Teachers' council: { $date }.

periods-cancel = ✖ Cancel

periods-reopen = 🔓 Reopen: { $name }

periods-reopen_prompt = Why reopen the period «{ $name }»? Send the reason in one message; it is kept in the change log.

periods-reopened = 🔓 The period «{ $name }» is open again.

periods-unlock_button = 🔓 Unlock final marks

periods-unlock_pick_class = Unlocking the year, exam and final marks. Choose the class:

periods-unlock_pick_subject = Choose the subject:

periods-unlock_pick_days = For how long?

periods-unlock_days = { $days ->
    [one] { $days } day
   *[other] { $days } days
}

periods-unlock_prompt = Unlocking marks: { $cls }, { $subject }, for { $days ->
    [one] { $days } day
   *[other] { $days } days
}. Send the reason in one message; it is kept in the change log.

periods-unlocked = 🔓 The year, exam and final marks of { $cls } in «{ $subject }» are unlocked until { $until }.

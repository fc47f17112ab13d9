# Control works and dated events for families: the diary's marks, /works, the weekly
# summary's week ahead, the evening-before reminder of an event.

works-weekday-1 = Mon
works-weekday-2 = Tue
works-weekday-3 = Wed
works-weekday-4 = Thu
works-weekday-5 = Fri
works-weekday-6 = Sat
works-weekday-7 = Sun
works-day = { $weekday } { $day }.{ $month }

# The kind of a control work, as a noun phrase in a sentence.
works-kind-answer = oral test
works-kind-classwork = class work
works-kind-homework = homework
works-kind-test = quiz
works-kind-control = test
works-kind-lab = practical work
works-kind-essay = essay
works-kind-dictation = dictation
works-kind-project = project

# The diary: a control work on its lesson; an event on its day.
works-diary-mark = 📝 Test: { $title }
works-diary-mark_untitled = 📝 Test
works-diary-event = 📅 { $title }, { $time }
works-diary-event_day = 📅 { $title }, all day
works-diary-btn = 📝 Tests

# /works
works-title = 📝 <b>Tests</b> — { $period } ({ $start } – { $end })
works-no_period = 📝 <b>Tests</b>
works-coming = <b>Coming:</b>
works-past = <b>Done:</b>
works-none = No agreed tests in this period.
works-none_coming = No tests coming.
works-item = • { $day } — { $subject }, { $kind }
works-item_titled = • { $day } — { $subject }, { $kind } “{ $title }”
works-result = — { $marks }
works-no_result = — no mark
works-btn-diary = ◀ Diary

# The weekly summary: the week ahead.
works-ahead-title = Next week:
works-ahead-work = • { $day } — { $subject }, { $kind }
works-ahead-work_titled = • { $day } — { $subject }, { $kind } “{ $title }”
works-ahead-event = • { $day }, { $time } — 📅 { $title }
works-ahead-event_day = • { $day } — 📅 { $title }

# The evening before an event.
works-event-reminder = 📅 <b>Tomorrow, { $day }, at { $time }:</b> { $title }
works-event-reminder_class = 📅 <b>Tomorrow, { $day }, at { $time }</b> ({ $class_name }): { $title }
works-event-reminder_day = 📅 <b>Tomorrow, { $day }:</b> { $title }
works-event-reminder_day_class = 📅 <b>Tomorrow, { $day }</b> ({ $class_name }): { $title }

cmd-works = Tests
help-cmd-works = the period's agreed tests: coming ones by date, past ones with the mark

# Control works and dated events for families: the diary's marks, /works, the weekly
# summary's week ahead, the evening-before reminder of an event.

works-weekday-1 = пн
works-weekday-2 = вт
works-weekday-3 = ср
works-weekday-4 = чт
works-weekday-5 = пт
works-weekday-6 = сб
works-weekday-7 = вс
works-day = { $weekday } { $day }.{ $month }

# The kind of a control work, as a noun phrase in a sentence.
works-kind-answer = устный опрос
works-kind-classwork = работа на уроке
works-kind-homework = домашняя работа
works-kind-test = самостоятельная работа
works-kind-control = контрольная работа
works-kind-lab = практическая работа
works-kind-essay = сочинение
works-kind-dictation = диктант
works-kind-project = проект

# The diary: a control work on its lesson; an event on its day.
works-diary-mark = 📝 Контрольная работа: { $title }
works-diary-mark_untitled = 📝 Контрольная работа
works-diary-event = 📅 { $title }, { $time }
works-diary-event_day = 📅 { $title }, весь день
works-diary-btn = 📝 Контрольные работы

# /works
works-title = 📝 <b>Контрольные работы</b> — { $period } ({ $start } – { $end })
works-no_period = 📝 <b>Контрольные работы</b>
works-coming = <b>Впереди:</b>
works-past = <b>Прошли:</b>
works-none = Согласованных контрольных работ в этом периоде нет.
works-none_coming = Впереди контрольных работ нет.
works-item = • { $day } — { $subject }, { $kind }
works-item_titled = • { $day } — { $subject }, { $kind } «{ $title }»
works-result = — { $marks }
works-no_result = — отметки нет
works-btn-diary = ◀ Дневник

# The weekly summary: the week ahead.
works-ahead-title = На следующей неделе:
works-ahead-work = • { $day } — { $subject }, { $kind }
works-ahead-work_titled = • { $day } — { $subject }, { $kind } «{ $title }»
works-ahead-event = • { $day }, { $time } — 📅 { $title }
works-ahead-event_day = • { $day } — 📅 { $title }

# The evening before an event.
works-event-reminder = 📅 <b>Завтра, { $day }, в { $time }:</b> { $title }
works-event-reminder_class = 📅 <b>Завтра, { $day }, в { $time }</b> ({ $class_name }): { $title }
works-event-reminder_day = 📅 <b>Завтра, { $day }:</b> { $title }
works-event-reminder_day_class = 📅 <b>Завтра, { $day }</b> ({ $class_name }): { $title }

cmd-works = Контрольные работы
help-cmd-works = согласованные контрольные работы периода: впереди — по датам, прошедшие — с отметкой

### An event's date in a broadcast: the "Event date?" step, its errors, the date line of the alert.

events-ask = 📅 Event date? Type a date and time, e.g. <code>25.12 18:00</code>, or just a date (<code>25.12</code>) for the whole day. If the message has no date, press "No date".

events-no_date = No date

events-bad_input = That is not a date I understand. Type e.g. <code>25.12 18:00</code> or <code>25.12</code>, or press "No date".

events-error_past = The event's date has passed. Give a future date.

events-error_after_year = The event's date is after the end of the school year ({ $end }).

events-when = 📅 { $day }, { $time }

events-when_day = 📅 { $day }

events-preview_when = Event date: { $when }

events-preview_no_date = No event date.

### The family's calendar: the ICS link (/calendar) and the texts of the calendar itself.

calendar-title = 📅 <b>Calendar on your phone</b>

calendar-intro = A subscription link for Google Calendar, Apple Calendar, Outlook and others: the lessons of the past week and the next four weeks, homework (on the lesson it is due at), control works, class and school events with a date. The calendar updates itself.

calendar-child_linked = • { $name } — link given on { $date }

calendar-child_unlinked = • { $name } — no link

calendar-no_children = The calendar is for parents and students.

calendar-no_public_address = The school's server has no public address, so no calendar link can be given. Please tell the school's administrator.

calendar-btn-get = 📅 Get a link: { $name }

calendar-btn-new = 🔄 New link: { $name }

calendar-btn-off = 🚫 Turn off: { $name }

calendar-btn-new_one = 🔄 New link

calendar-btn-off_one = 🚫 Turn the link off

calendar-link =
    📅 <b>Calendar: { $name }</b>
    <code>{ $url }</code>

    Add the link to your calendar as a subscription ("Add calendar" → "From URL").

    ⚠️ Do not forward the link: it shows the child's timetable and homework. If strangers got it, press "🔄 New link" and the old one stops working.

calendar-revoked = The calendar link ({ $name }) is turned off: it opens nothing any more.

calendar-nothing_to_revoke = There is no calendar link ({ $name }).

calendar-feed-name = { $name } — school

calendar-feed-lesson = { $number }. { $subject }

calendar-feed-cancelled = Cancelled: { $summary }

calendar-feed-teacher = Teacher: { $teacher }

calendar-feed-substitute = Substitute: { $teacher }

calendar-feed-topic = Topic: { $topic }

calendar-feed-distance = Distance lesson.

calendar-feed-homework = Homework: { $text }

calendar-feed-homework_due = Homework due: { $subject }

calendar-feed-room = room { $room }

calendar-feed-work = { $subject }: { $kind }

help-cmd-calendar = the child's calendar link for your phone: lessons, homework, control works, events

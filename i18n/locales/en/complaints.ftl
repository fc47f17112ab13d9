# The office's side of family messages (handlers/admin/complaints.py, screens/admin/complaints.py),
# the school's message settings in /settings, and a thread nobody may write in any more
# (services/people/policy.py, thread_ended).

threads-ended_left = 🚫 You can no longer write in this conversation: { $child } is no longer in { $class_name }. The conversation stays readable.

threads-ended_moved = 🚫 You can no longer write in this conversation: { $child } moved to another class where { $teacher } does not teach. The conversation stays readable.

threads-ended_teacher = 🚫 You can no longer write in this conversation: { $teacher } no longer teaches the child ({ $child }, { $class_name }). The conversation stays readable.

threads-ended_year = 🚫 You can no longer write in this conversation: it belongs to last school year. The conversation stays readable; write to the teacher again from Messages.

cmd-complaints = Complaints about messages

help-cmd-complaints = complaints about a teacher's conversation with a family: find the student, record a complaint, read the conversation on it (every reading goes to the audit log)

office-menu-cmp = 📨 Message complaints

complaints-title = 📨 <b>Complaints about teacher–family messages</b>

complaints-about = Only the teacher and the family read a conversation. The administration may read one only on a recorded complaint: find the student and the conversation, record who complained, when and why — then open it. Every reading is written to the audit log.

complaints-btn-find = 🔎 Find a student

complaints-btn-list = 📋 Recorded complaints

complaints-btn-back = ↩️ Back to complaints

complaints-btn-cancel = ✖️ Cancel

complaints-btn-today = Today

complaints-btn-record = 📝 Complaint on { $n }

complaints-btn-read = 📖 Read { $n }

complaints-btn-read_now = 📖 Read the conversation

complaints-btn-read_n = 📖 Read conversation { $n }

complaints-pick_class = Choose the student's class:

complaints-pick_student = Choose the student:

complaints-no_students = There are no students in this class now.

complaints-threads_title = 📨 <b>Conversations about the student: { $child }</b>

complaints-no_threads = This student has no conversations with teachers.

complaints-side_family = with the parents

complaints-side_student = with the student

complaints-thread_line = { $n }. Teacher: { $teacher } ({ $side }), opened { $opened }; messages: { $messages }, complaints: { $complaints }

complaints-threads_note = The messages' texts are not shown here. A conversation can be read only once a complaint about it is recorded.

complaints-target = Conversation: teacher { $teacher } — { $child }, { $class_name }

complaints-ask_who = Who complained? Type the name (e.g. "Elena Ivanova, the student's mother").

complaints-ask_day = When was the complaint made? Type the date (e.g. 25.11) or press "Today".

complaints-ask_reason = What is the complaint? Describe the reason in one message.

complaints-day_bad = I did not understand the date. Type it like 25.11 or 25.11.2026.

complaints-day_future = The complaint's date cannot be later than today ({ $today }).

complaints-cancelled = Recording the complaint was cancelled; nothing was saved.

complaints-recorded = ✅ Complaint recorded: { $who }, { $day }.

complaints-read_note = The conversation can now be read; the reading will be written to the audit log.

complaints-reading_note = 📖 <i>Reading on a complaint — written to the audit log.</i>

complaints-list_title = 📋 <b>Recorded complaints</b>

complaints-list_empty = No complaints yet.

complaints-list_line = { $n }. { $day } — { $who }
    Conversation: teacher { $teacher } — { $child }, { $class_name }
    Reason: { $reason }
    Recorded: { $recorded }

complaints-hours_format = I did not understand the hours. Type the start and the end like 08:00–18:00.

complaints-settings-btn = ✉️ Family–teacher messages

complaints-settings-title = ✉️ <b>Family–teacher messages</b>

complaints-settings-hours = Teachers' working hours for messages: <b>{ $hours }</b> (school time, on working days).

complaints-settings-students_on = Students may write to their teachers themselves: <b>yes</b>.

complaints-settings-students_off = Students may write to their teachers themselves: <b>no</b> (the parents write).

complaints-settings-about = A family's message sent outside the working hours reaches the teacher at the start of the next working day; the family is told when. The teacher's replies go at once.

complaints-settings-change_hours = 🕗 Change the hours

complaints-settings-students_allow = Allow students to write

complaints-settings-students_forbid = Forbid students to write

complaints-settings-ask_hours = Type the teachers' working hours for messages: the start and the end, e.g. 08:00–18:00. Now: { $hours }.

complaints-settings-unchanged = The hours are unchanged.

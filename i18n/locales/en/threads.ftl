# Teacher ↔ family messages (services/family_messages, screens/common/threads.py).

threads-alert-from_parent = ✉️ <b>New message</b>
    From: { $author } (parent; { $child }, { $class_name })

threads-alert-from_student = ✉️ <b>New message</b>
    From: the student { $author } ({ $class_name })

threads-alert-from_teacher = ✉️ <b>New message</b>
    From: the teacher { $author } (about { $child })

threads-alert-file_photo = 📎 Photo{ $name } (sent in { $messenger }; if you cannot see it here, open the conversation in { $messenger })

threads-alert-file_document = 📎 File{ $name } (sent in { $messenger }; if you cannot see it here, open the conversation in { $messenger })


threads-alert-closed = 🔒 The conversation with the teacher ({ $teacher }) about { $child } is closed. You can write in it again once the teacher reopens it.

threads-alert-reopened = 🔓 The conversation with the teacher ({ $teacher }) about { $child } is open again: you can write.

threads-alert-minimal = ✉️ New message from a student's family — open “Messages” (/messages).

threads-alert-minimal_teacher = ✉️ New message from a teacher — open “Messages” (/messages).

threads-alert-closed_minimal = 🔒 A teacher closed a conversation — see “Messages” (/messages).

threads-alert-reopened_minimal = 🔓 A teacher reopened a conversation — see “Messages” (/messages).

threads-messenger-telegram = Telegram

threads-messenger-max = MAX

threads-bad_text = The message contains control characters — remove them and send again.

threads-empty = Empty message: write some text or attach a photo or a file.

threads-too_long = The message is too long: at most { $limit } characters. Split it into parts.

threads-flood_minute = Too many messages in a row: at most { $limit } a minute. Please wait a minute.

threads-flood_day = { $limit } messages have been sent in this conversation today — that is the limit. Continue tomorrow.

threads-bad_file = This file cannot be sent: photos and documents only.

threads-closed = The teacher has closed this conversation: you cannot write in it until they reopen it.

threads-no_class = The child is not in any class at the moment — there is no teacher to write to yet.

threads-complaint_who = Say who complained (at most { $limit } characters).

threads-complaint_reason = Give the reason for the complaint (at most { $limit } characters).

threads-bad_hours = The working hours must start before they end.

cmd-messages = ✉️ Messages

help-cmd-messages = the family's conversations with the child's teachers: write, reply, photos and files

threads-list-title = ✉️ <b>Messages</b>

threads-list-empty = No conversations yet. Parents can write to their child's class teacher or subject teachers — the teacher sees your name, not your phone.

threads-list-item_teacher = { $other } ({ $class_name })

threads-list-item_family = { $other } — about { $child }

threads-btn-write_about = ✍️ Write to a teacher: { $child }

threads-teachers-title = Whom to write to about <b>{ $child }</b> ({ $class_name })?

threads-teachers-draft = Your message: “{ $text }”
    Choose a teacher and it goes to them.

threads-teachers-none = The class has no teachers in the timetable yet — there is nobody to write to.

threads-teachers-class_teacher = class teacher

threads-btn-cancel = Cancel

threads-compose-to_teacher = To: { $to }.
    Write it as one message: text, a photo or a file. The teacher sees your name, not your phone or messenger account.

threads-compose-to_family = To: the family of { $to }.
    Write it as one message: text, a photo or a file. The family sees your name, not your phone or messenger account.

threads-when-today = today at { $time }

threads-when-tomorrow = tomorrow at { $time }

threads-when-day = on { $day } at { $time }

threads-sent-now = ✅ Message sent.

threads-sent-held = ✅ Message accepted. It is outside working hours: the teacher will get it { $when }.

threads-btn-open = 💬 Whole conversation

threads-view-title = ✉️ <b>{ $teacher }</b> — about { $child }, { $class_name }

threads-view-student_side = (the student's own conversation)

threads-view-closed = 🔒 The teacher closed this conversation: you cannot write in it until they reopen it.

threads-view-empty = No messages yet.

threads-view-legend = ⏳ waits for the teacher's working hours · 🕓 being sent · ✓ delivered · ✓✓ read · ⚠️ not delivered

threads-view-file_photo = 📎 Photo{ $name }

threads-view-file_document = 📎 File{ $name }

threads-view-file_elsewhere_photo = 📎 Photo{ $name } — sent in { $messenger }, it cannot be opened here: look in { $messenger } or ask for it again.

threads-view-file_elsewhere_document = 📎 File{ $name } — sent in { $messenger }, it cannot be opened here: look in { $messenger } or ask for it again.

threads-btn-file = 📎 Open { $name }

threads-btn-reply = ↩️ Reply

threads-btn-write = ✍️ Write

threads-btn-close = 🔒 Close the conversation

threads-btn-reopen = 🔓 Reopen the conversation

threads-btn-list = ⬅️ All conversations

threads-cancelled = The message was not sent.

threads-file_elsewhere = The file was sent in { $messenger }: it cannot be opened here.

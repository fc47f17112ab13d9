# Teacher ↔ family messages (services/family_messages, screens/common/threads.py).

threads-alert-from_parent = ✉️ <b>Message from { $author }</b> (parent of { $child }, { $class_name })

threads-alert-from_student = ✉️ <b>Message from the student { $author }</b> ({ $class_name })

threads-alert-from_teacher = ✉️ <b>Message from the teacher { $author }</b> (about { $child })

threads-alert-file_photo = 📎 Photo { $name } (sent in { $messenger }; if you cannot see it here, open the conversation in { $messenger })

threads-alert-file_document = 📎 File { $name } (sent in { $messenger }; if you cannot see it here, open the conversation in { $messenger })


threads-alert-closed = 🔒 { $teacher } closed the conversation about { $child }. You can write in it again once the teacher reopens it.

threads-alert-reopened = 🔓 { $teacher } reopened the conversation about { $child }: you can write again.

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

# Teacher ↔ family messages (services/family_messages, screens/common/threads.py).

threads-alert-from_parent = ✉️ <b>Сообщение от { $author }</b> (родитель: { $child }, { $class_name })

threads-alert-from_student = ✉️ <b>Сообщение от ученика { $author }</b> ({ $class_name })

threads-alert-from_teacher = ✉️ <b>Сообщение от учителя { $author }</b> (о ребёнке: { $child })

threads-alert-file_photo = 📎 Фото { $name } (отправлено в { $messenger }; если его не видно здесь, откройте переписку в { $messenger })

threads-alert-file_document = 📎 Файл { $name } (отправлен в { $messenger }; если его не видно здесь, откройте переписку в { $messenger })


threads-alert-closed = 🔒 { $teacher } закрыл(а) переписку о ребёнке { $child }. Написать в ней снова можно будет, когда учитель её откроет.

threads-alert-reopened = 🔓 { $teacher } снова открыл(а) переписку о ребёнке { $child }: можно писать.

threads-alert-minimal = ✉️ Новое сообщение от семьи ученика — откройте «Сообщения» (/messages).

threads-alert-minimal_teacher = ✉️ Новое сообщение от учителя — откройте «Сообщения» (/messages).

threads-alert-closed_minimal = 🔒 Учитель закрыл переписку — подробнее в «Сообщениях» (/messages).

threads-alert-reopened_minimal = 🔓 Учитель снова открыл переписку — подробнее в «Сообщениях» (/messages).

threads-messenger-telegram = Telegram

threads-messenger-max = MAX

threads-bad_text = В сообщении есть служебные символы — уберите их и отправьте снова.

threads-empty = Пустое сообщение: напишите текст или приложите фото или файл.

threads-too_long = Слишком длинное сообщение: не больше { $limit } знаков. Разделите его на части.

threads-flood_minute = Слишком много сообщений подряд: не больше { $limit } в минуту. Подождите минуту.

threads-flood_day = На сегодня в этой переписке отправлено уже { $limit } сообщений — это предел. Продолжите завтра.

threads-bad_file = Этот файл не получится отправить: подходят фото и документы.

threads-closed = Учитель закрыл эту переписку: написать в ней нельзя, пока он её не откроет.

threads-no_class = Ребёнок сейчас не числится ни в одном классе — писать учителям пока некому.

threads-complaint_who = Укажите, кто пожаловался (не больше { $limit } знаков).

threads-complaint_reason = Укажите причину жалобы (не больше { $limit } знаков).

threads-bad_hours = Начало рабочего времени должно быть раньше конца.

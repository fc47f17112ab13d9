# Teacher ↔ family messages (services/family_messages, screens/common/threads.py).

threads-alert-from_parent = ✉️ <b>Новое сообщение</b>
    От: { $author } (родитель; { $child }, { $class_name })

threads-alert-from_student = ✉️ <b>Новое сообщение</b>
    От: ученик { $author } ({ $class_name })

threads-alert-from_teacher = ✉️ <b>Новое сообщение</b>
    От: учитель { $author } (о ребёнке: { $child })

threads-alert-file_photo = 📎 Фото{ $name } (отправлено в { $messenger }; если его не видно здесь, откройте переписку в { $messenger })

threads-alert-file_document = 📎 Файл{ $name } (отправлен в { $messenger }; если его не видно здесь, откройте переписку в { $messenger })


threads-alert-closed = 🔒 Переписка с учителем ({ $teacher }) о ребёнке { $child } закрыта. Написать в ней снова можно будет, когда учитель её откроет.

threads-alert-reopened = 🔓 Переписка с учителем ({ $teacher }) о ребёнке { $child } снова открыта: можно писать.

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

cmd-messages = ✉️ Сообщения

help-cmd-messages = переписка семьи с учителями ребёнка: написать, ответить, фото и файлы

threads-list-title = ✉️ <b>Сообщения</b>

threads-list-empty = Переписок пока нет. Родители могут написать классному руководителю или учителю-предметнику своего ребёнка — учитель увидит имя, но не телефон.

threads-list-item_teacher = { $other } ({ $class_name })

threads-list-item_family = { $other } — о ребёнке { $child }

threads-btn-write_about = ✍️ Написать учителю: { $child }

threads-teachers-title = Кому написать о ребёнке <b>{ $child }</b> ({ $class_name })?

threads-teachers-draft = Ваше сообщение: «{ $text }»
    Выберите учителя — и оно уйдёт ему.

threads-teachers-none = У класса пока нет учителей в расписании — писать некому.

threads-teachers-class_teacher = классный руководитель

threads-btn-cancel = Отмена

threads-compose-to_teacher = Кому: { $to }.
    Напишите его одним сообщением: текст, фото или файл. Учитель увидит ваше имя, но не ваш телефон и не аккаунт в мессенджере.

threads-compose-to_family = Кому: семья ученика { $to }.
    Напишите его одним сообщением: текст, фото или файл. Семья увидит ваше имя, но не ваш телефон и не аккаунт в мессенджере.

threads-when-today = сегодня в { $time }

threads-when-tomorrow = завтра в { $time }

threads-when-day = { $day } в { $time }

threads-sent-now = ✅ Сообщение отправлено.

threads-sent-held = ✅ Сообщение принято. Сейчас нерабочее время: учитель получит сообщение { $when }.

threads-btn-open = 💬 Вся переписка

threads-view-title = ✉️ <b>{ $teacher }</b> — о ребёнке { $child }, { $class_name }

threads-view-student_side = (личная переписка ученика)

threads-view-closed = 🔒 Учитель закрыл переписку: писать в ней нельзя, пока он её не откроет.

threads-view-empty = Сообщений пока нет.

threads-view-legend = ⏳ ждёт рабочего времени учителя · 🕓 отправляется · ✓ доставлено · ✓✓ прочитано · ⚠️ не доставлено

threads-view-file_photo = 📎 Фото{ $name }

threads-view-file_document = 📎 Файл{ $name }

threads-view-file_elsewhere_photo = 📎 Фото{ $name } — отправлено в { $messenger }, здесь его не открыть: посмотрите в { $messenger } или попросите прислать ещё раз.

threads-view-file_elsewhere_document = 📎 Файл{ $name } — отправлен в { $messenger }, здесь его не открыть: посмотрите в { $messenger } или попросите прислать ещё раз.

threads-btn-file = 📎 Открыть { $name }

threads-btn-reply = ↩️ Ответить

threads-btn-write = ✍️ Написать

threads-btn-close = 🔒 Закрыть переписку

threads-btn-reopen = 🔓 Открыть переписку

threads-btn-list = ⬅️ Все переписки

threads-cancelled = Сообщение не отправлено.

threads-file_elsewhere = Файл отправлен в { $messenger }: здесь его не открыть.

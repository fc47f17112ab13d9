### Календарь семьи: ссылка на ICS-календарь (/calendar) и тексты самого календаря.

calendar-title = 📅 <b>Календарь в телефоне</b>

calendar-intro = Ссылка-подписка для Google Календаря, Apple Календаря, Outlook и других: уроки на прошлой неделе и на четыре недели вперёд, домашние задания (на уроке, к которому их сделать), контрольные работы, события класса и школы с датой. Календарь обновляется сам.

calendar-child_linked = • { $name } — ссылка выдана { $date }

calendar-child_unlinked = • { $name } — ссылки нет

calendar-no_children = Календарь доступен родителям и ученикам.

calendar-no_public_address = У сервера школы нет публичного адреса, поэтому ссылку на календарь выдать нельзя. Сообщите об этом администратору школы.

calendar-btn-get = 📅 Получить ссылку: { $name }

calendar-btn-new = 🔄 Новая ссылка: { $name }

calendar-btn-off = 🚫 Отключить: { $name }

calendar-btn-new_one = 🔄 Новая ссылка

calendar-btn-off_one = 🚫 Отключить ссылку

calendar-link =
    📅 <b>Календарь: { $name }</b>
    <code>{ $url }</code>

    Добавьте ссылку в календарь как подписку («Добавить календарь» → «По URL»).

    ⚠️ Не пересылайте ссылку: по ней видно расписание и задания ребёнка. Если она попала к посторонним, нажмите «🔄 Новая ссылка» — старая перестанет работать.

calendar-revoked = Ссылка на календарь ({ $name }) отключена: по ней больше ничего не открыть.

calendar-nothing_to_revoke = Ссылки на календарь ({ $name }) нет.

calendar-feed-name = { $name } — школа

calendar-feed-lesson = { $number }. { $subject }

calendar-feed-cancelled = Отменён: { $summary }

calendar-feed-teacher = Учитель: { $teacher }

calendar-feed-substitute = Замена: { $teacher }

calendar-feed-topic = Тема: { $topic }

calendar-feed-distance = Урок дистанционно.

calendar-feed-homework = ДЗ: { $text }

calendar-feed-homework_due = Сдать ДЗ: { $subject }

calendar-feed-room = каб. { $room }

calendar-feed-work = { $subject }: { $kind }

help-cmd-calendar = ссылка на календарь ребёнка для телефона: уроки, задания, контрольные, события

### Доверенные лица: родитель открывает бабушке или няне доступ к данным ребёнка
### (handlers/family/trusted.py, screens/family/trusted.py, services/people/trusted.py).

trusted-title = 👵 <b>Доверенные лица</b> — { $child }

trusted-none = Пока никого. Доверенное лицо (бабушка, няня) видит только то, что вы разрешите, и только этого ребёнка.

trusted-row = • { $name }: { $scopes } ({ $status })

trusted-signed_in = вход в журнал выполнен

trusted-not_signed_in = вход ещё не выполнен

trusted-add = ➕ Добавить доверенное лицо

trusted-cancel = Отмена

trusted-back = « К списку

trusted-ask_name = Напишите фамилию и имя доверенного лица ребёнка { $child }, например: Иванова Мария

trusted-name_invalid = Нужны фамилия и имя через пробел, например: Иванова Мария

trusted-choose = Что будет видеть { $name } о ребёнке { $child }? Отметьте разделы и нажмите «Создать».

trusted-create = ✅ Создать и получить ссылку

trusted-issued = Готово: { $name } — доверенное лицо ребёнка { $child }.
    Передайте ссылку для входа: { $link }
    Или логин <code>{ $login }</code> и пароль <code>{ $password }</code> (команда /login).
    Ссылка и пароль действуют { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[many] { $days } дней
    }, войти по ним можно один раз.

trusted-card = <b>{ $name }</b> — доверенное лицо ребёнка { $child }.
    Видит: { $scopes }.
    Нажмите на раздел, чтобы открыть или закрыть его.

trusted-changed = ✅ Доступ изменён.

trusted-revoke = 🚫 Отозвать доступ

trusted-revoke_ask = Отозвать доступ { $name } к данным ребёнка { $child }? Он пропадёт сразу.

trusted-revoke_yes = Да, отозвать

trusted-revoked = 🚫 Доступ { $name } отозван.

trusted-parents_only = Доверенных лиц назначает родитель ребёнка.

trusted-no_scopes = Отметьте хотя бы один раздел.

trusted-too_many = У ребёнка уже { $limit } доверенных лиц. Отзовите кого-нибудь, чтобы добавить нового.

trusted-not_found = Такого доверенного лица у ребёнка нет.

trusted-expired = Начните заново: /trusted

trusted-scope-diary = дневник

trusted-scope-marks = отметки

trusted-scope-attendance = посещаемость

trusted-scope-homework = домашнее задание

trusted-scope-timetable = расписание

cmd-trusted = Доверенные лица ребёнка

help-cmd-trusted = дать бабушке или няне доступ к дневнику ребёнка (только к выбранным разделам) и отозвать его

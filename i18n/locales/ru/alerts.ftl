### Ответы на уведомления, настройки уведомлений, рассылки.

alerts-reason_saved = Спасибо, классный руководитель получит ваш ответ.

alerts-reason_ill = Ваш ответ: болеет. Классный руководитель уведомлён.

alerts-reason_excused = Ваш ответ: уважительная причина. Классный руководитель уведомлён.

alerts-reason_unknown = Ваш ответ: не знаю причины. Классный руководитель уведомлён.

alerts-news_acknowledged = Отмечено: ознакомлен.

alerts-settings_title = <b>Уведомления</b> (нажмите, чтобы включить или выключить):

alerts-pref_absences = Пропуски уроков

alerts-pref_marks = Отметки

alerts-pref_homework_tomorrow = Домашнее задание на завтра (вечером)

alerts-pref_weekly_summary = Итоги недели (в воскресенье)

alerts-pref_news = Новости школы и класса

alerts-pref_reminders = Напоминания о незаполненных уроках

alerts-marks_mode = Отметки приходят: { $mode }

alerts-mode_instant = сразу

alerts-mode_hourly = раз в час

alerts-mode_evening = вечером одной сводкой

alerts-quiet = Тихие часы (несрочное придёт утром одним сообщением): { $hours }

alerts-quiet_off = выкл.

alerts-broadcast_not_allowed = Рассылки отправляют классный руководитель (родителям своего класса) и администрация школы.

alerts-broadcast_pick = Кому отправить?

alerts-broadcast_school = 📣 Новость всей школе

alerts-broadcast_write = Напишите текст сообщения. Можно приложить фото или файл с подписью. /cancel — отмена.

alerts-broadcast_preview =
    <b>Так увидят получатели:</b>

    { $text }

alerts-broadcast_with_file = 📎 С вложением.

alerts-broadcast_send = ✅ Отправить

alerts-broadcast_cancel = ✖️ Отмена

alerts-broadcast_refresh = 🔄 Обновить

alerts-broadcast_queued = 📤 Рассылка отправляется: доставлено { $delivered } из { $recipients }.

alerts-broadcast_done = ✅ Рассылка завершена: доставлено { $delivered } из { $recipients }.

alerts-broadcast_stats =
    Получателей: { $recipients }
    Доставлено: { $delivered }
    Прочитано («Ознакомлен»): { $read }
    Не доставлено: { $failed }
    В очереди: { $pending }
    Не подключены к боту: { $not_connected }

alerts-digest_time = Вечерняя сводка отметок приходит в { $time }

## Куда присылать уведомления тому, кто подключён в двух мессенджерах.

alerts-channel = Куда присылать: { $channel }

alerts-channel_last = последний мессенджер

alerts-channel_telegram = Telegram

alerts-channel_max = MAX

alerts-channel_all = во все

notify-prefs_channel = Куда присылать: последний мессенджер, Telegram, MAX или во все.

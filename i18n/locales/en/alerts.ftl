### Answers to alerts, alert settings, broadcasts.

alerts-reason_saved = Thank you, the class teacher will get your answer.

alerts-reason_ill = Your answer: ill. The class teacher has been told.

alerts-reason_excused = Your answer: a valid reason. The class teacher has been told.

alerts-reason_unknown = Your answer: don't know why. The class teacher has been told.

alerts-news_acknowledged = Marked as read.

alerts-settings_title = <b>Notifications</b> (tap to turn on or off):

alerts-pref_absences = Missed lessons

alerts-pref_marks = Marks

alerts-pref_homework_tomorrow = Homework for tomorrow (in the evening)

alerts-pref_weekly_summary = Weekly summary (on Sunday)

alerts-pref_news = School and class news

alerts-pref_reminders = Reminders about lessons not filled in

alerts-marks_mode = Marks arrive: { $mode }

alerts-mode_instant = at once

alerts-mode_hourly = once an hour

alerts-mode_evening = in one evening digest

alerts-quiet = Quiet hours (what is not urgent comes in the morning as one message): { $hours }

alerts-quiet_off = off

alerts-broadcast_not_allowed = Broadcasts are sent by a class teacher (to their class's parents) and by the school's leadership.

alerts-broadcast_pick = Who should get it?

alerts-broadcast_school = 📣 News for the whole school

alerts-broadcast_write = Write the message. You may attach a photo or a file with a caption. /cancel to cancel.

alerts-broadcast_preview =
    <b>This is what recipients will see:</b>

    { $text }

alerts-broadcast_with_file = 📎 With an attachment.

alerts-broadcast_send = ✅ Send

alerts-broadcast_cancel = ✖️ Cancel

alerts-broadcast_refresh = 🔄 Refresh

alerts-broadcast_queued = 📤 The broadcast is being sent: { $delivered } of { $recipients } delivered.

alerts-broadcast_done = ✅ The broadcast is finished: { $delivered } of { $recipients } delivered.

alerts-broadcast_stats =
    Recipients: { $recipients }
    Delivered: { $delivered }
    Read (“Got it”): { $read }
    Not delivered: { $failed }
    Queued: { $pending }
    Not connected to the bot: { $not_connected }

alerts-digest_time = The evening digest of marks comes at { $time }

## Where the alerts of a person connected in two messengers go.

alerts-channel = Where alerts go: { $channel }

alerts-channel_last = the messenger used last

alerts-channel_telegram = Telegram

alerts-channel_max = MAX

alerts-channel_all = all of them

notify-prefs_channel = Where alerts go: the messenger used last, Telegram, MAX or all of them.

### /help: what each command does, what the buttons of the alerts mean and whom to ask
### (handlers/common/help.py). The header and the command line are in bot.ftl, help-*.

help-cmd-today = the day's lessons and what is filled in; a lesson → attendance, marks, topic, homework. ◀ ▶ go to the neighbouring school days; a date: <code>/today 03.12</code>

help-cmd-termmarks = marks for the term (trimester, half-year) with the one suggested by the average

help-cmd-yearmarks = year, exam and final marks with the ones suggested by the period marks

help-cmd-absences = who of the class is absent today and whether the reason is known

help-cmd-reasons = the class's absence reasons for the week: check and correct them

help-cmd-classjournal = your class's journal in any subject for a period

help-cmd-broadcast = a message to the class's parents (or to the whole school, for the leadership) with a count of who read it

help-cmd-diary = lessons, topics, homework, marks and absences for a day or a week; ◀ ▶ go to the neighbouring school days

help-cmd-homework = homework for tomorrow or a chosen day, with files

help-cmd-marks = marks by subject for a period, the average and the mark it leads to

help-cmd-attendance = absences and late arrivals for a period

help-cmd-notice = tell the class teacher in advance that your child will be away, or withdraw such a notice

help-cmd-child = choose which of your children the diary shows

help-cmd-timetable = the week's timetable, with substitutions

help-cmd-invite = give a parent or student an invite or a one-time password (the administrator: staff too)

help-cmd-reports = reports as files (XLSX or PDF): attendance, results, summary sheets, journal pages

help-cmd-admin = register imports, user search, change log, substitutions, journal checks

help-cmd-periods = the study periods of the year: period marks still missing, closing and reopening a period, the teachers' council date, unlocking final marks

help-cmd-settings = which alerts to get and when

help-cmd-link = get the journal in another messenger too (MAX or Telegram): a one-time link for 30 minutes

help-cmd-role = switch roles if you have several (e.g. teacher and parent)

help-cmd-language = the bot's language: Russian or English

help-cmd-login = sign in with the login and one-time password from the school

help-cmd-logout = sign out of the journal in this chat

help-cmd-help = this help

help-cmd-start = getting started; sign-in by an invite link

help-buttons-title = <b>Buttons in the alerts</b>

help-buttons-absence = • “{ $ill }”, “{ $excused }”, “{ $unknown }” under an absence alert: your answer about the reason goes straight to the class teacher.

help-buttons-ack = • “{ $ack }” under school news or a class announcement: the school sees that you have read it.

help-buttons-notice = • Which alerts you get (absences, new marks, homework) and when is set with /settings.

help-ask-title = <b>If something is wrong</b>

help-ask-family = Questions about marks, absences, the timetable or signing in to the diary go to the class teacher: they give invites to parents and students and correct the class's data.

help-ask-staff = Questions about signing in, roles, classes, the timetable or wrong data go to your school's e-journal administrator.

help-ask-guest = The school gives the invite or the login and password: the class teacher to parents and students, the e-journal administrator to staff.

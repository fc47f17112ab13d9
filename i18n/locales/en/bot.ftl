### Bot texts in English. Russian (../ru/bot.ftl) is the default and the fallback.

start-guest =
    Hello! This is the school's journal and diary.

    You can sign in with the one-time invite link from the school (class teachers give them to parents and students, the administrator to staff) or with your login and one-time password. Commands: /help.

start-welcome_back =
    Hello, <b>{ $name }</b>!
    Your roles: { $roles }.

    Commands: /help.

start-signed_in =
    You are signed in. Welcome, <b>{ $name }</b>!
    Your roles: { $roles }.

    Your commands are in /help.

help-header = <b>Available commands</b> ({ $roles }):

help-header_guest = <b>Available commands:</b>

help-line = /{ $command } — { $description }

help-footer_guest = To sign in, open the invite link from the school.

group-neutral = I work in private messages only. Open a chat with me to see the journal and the diary.

fallback-unknown_command = There is no such command. Commands: /help.

fallback-unknown_text = I did not understand the message. Commands: /help.

fallback-not_ready = This section is coming soon.

fallback-stale_button = This button is out of date. Open the section again.

cmd-termmarks = Marks for the study period

cmd-yearmarks = Year, exam and final marks

cmd-reasons = Absence reasons for the week

cmd-classjournal = Class journal by subject

cmd-broadcast = Message to parents

cmd-attendance = Missed lessons this study period

cmd-notice = Report a child's absence

cmd-child = Choose a child

cmd-role = Switch role

cmd-language = Язык / Language

cmd-login = Sign in with login and password

cmd-logout = Sign out

cmd-start = Getting started and sign-in

cmd-help = List of commands

cmd-today = Today's lessons

cmd-absences = Absent today

cmd-invite = Invites for parents and students

cmd-diary = Diary for the week

cmd-marks = Marks by subject

cmd-homework = Homework

cmd-timetable = Timetable

cmd-reports = Reports

cmd-admin = Administration

cmd-periods = Study periods: closing

cmd-settings = Notification settings
cmd-link = Connect another messenger

role-admin = administrator

role-director = director

role-deputy = deputy head

role-teacher = teacher

role-class_teacher = class teacher

role-parent = parent

role-trusted = trusted person

role-student = student

role-none = no roles

signin-locked = Too many failed attempts. Try again in { $minutes } min.

signin-invite_invalid = The invite link is not valid: it is wrong, already used or expired. Ask the school for a new one.

signin-account_blocked = The account is blocked. Please contact the school administrator.

signin-already_signed_in = You are already signed in as <b>{ $name }</b>.

signin-bound_elsewhere = This account is already bound to another messenger account. Please contact the school.

signin-login_invalid = Wrong login or password.

signin-password_invalid = Wrong login or password, or the password was already used. Ask the school for a new one.

signin-password_expired = The password has expired. Ask the school for a new one.

signin-required = Please sign in first: open the invite link from the school.

error-forbidden = You are not allowed to do this.

error-not_found = Nothing found: the record was deleted or is not available.

error-invalid = The data is not valid. Please check and try again.

error-conflict = Someone else has already changed this. Refresh and try again.

error-internal = Something went wrong. Please try again a bit later.

error-too_many = Too many requests. Please wait a little.

error-generic = The action could not be completed.

error-date_window = There is no such date in the journal: give a date from { $first } to { $last }.

error-bad_query = Type a surname or login in plain letters and digits, at most { $limit } characters.

error-control_chars = The message contains control characters that cannot be saved. Please send the text without them.

## Plural forms: a selector over the number with CLDR's categories (English: one, other).

error-too_long =
    { $limit ->
        [one] The text is too long ({ $field }): at most { $limit } character.
       *[other] The text is too long ({ $field }): at most { $limit } characters.
    }

error-date_range =
    { $days ->
        [one] Wrong dates: at most { $days } day, the start not after the end.
       *[other] Wrong dates: at most { $days } days, the start not after the end.
    }

# Field names in error messages (error.too_long, notify.prefs_*).
field-topic = lesson topic

field-homework = homework

field-comment = comment on the mark

field-reason = reason

field-text = message text

field-title = title

field-note = note

field-absences = missed lessons

field-marks = marks

field-homework_tomorrow = homework for tomorrow

field-weekly_summary = weekly summary

field-news = school and class news

field-reminders = reminders

field-marks_mode = marks mode

field-digest_time = evening digest time

field-quiet_from = start of quiet hours

field-quiet_to = end of quiet hours

cli-botapi_unreachable = The Bot API at { $url } cannot be reached ({ $reason }). Check the network; TELEGRAM_API_URL points the bot at another Bot API server (self-hosted, or a local one for trying it) when api.telegram.org cannot be reached from here.

cli-botapi_unauthorized = The Bot API at { $url } refused the token (BOT_TOKEN): check it with @BotFather.

cli-person_not_found = No such person: check the login or the register id.

cli-login_invalid = The login “{ $login }” will not do: Latin letters, digits, dot, hyphen; 3 to 64 characters.

cli-school_required = There are several schools in the database: give the school code (--school).

cli-school_not_found = School «{ $school }» not found. Create a school first or load the demo (demo).

cli-login_taken = The login «{ $login }» is already taken.

cli-bot_not_found = The bot «{ $bot }» is unknown: give its numeric id, or run the bot with that token so that it records its username.

cli-school_bot_set = The school «{ $school }» uses the bot { $bot } in { $messenger }.

cli-school_bot_default = The school «{ $school }» uses the default bot{ $bot } in { $messenger }.

cli-school_bot_elsewhere = Sign-ins through another bot: { $count }. They keep working there until the person signs in again; a new sign-in goes through the school's bot only.

cli-school_bot_unnamed = This bot's username is not known yet: links to it appear once the bot has run.

### News and class events to read again (/news).

news-title = 📰 <b>News and events</b>

news-empty = No news or events yet.

news-line_school = { $n }. { $date } · School: { $text }

news-line_class = { $n }. { $date } · Class { $class_name } ({ $children }): { $text }

news-line_file = 📎

news-line_new = 🆕

news-hint = Press a number to open it whole. 🆕: you have not pressed "Acknowledged" yet.

news-btn-older = Earlier ▶

news-btn-newest = ◀ Newest

news-btn-list = ◀ Back to the list

news-btn-ack = Acknowledged

news-item_school = 📢 <b>School news</b> · { $date }

news-item_class = 📅 <b>Class { $class_name } event</b> ({ $children }) · { $date }

news-item_event_at = 🗓 When: { $date }, { $time }

news-item_event_day = 🗓 When: { $date }

news-item_from = — { $author }

news-item_acknowledged = ✅ You have acknowledged it.

news-acknowledged = Marked: acknowledged.

cmd-news = 📰 News

cmd-calendar = 📅 Calendar on your phone

help-cmd-news = past school news and class events: read again, open the file, press "Acknowledged"

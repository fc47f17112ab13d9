### Новости и события класса, которые можно перечитать (/news).

news-title = 📰 <b>Новости и события</b>

news-empty = Новостей и событий пока нет.

news-line_school = { $n }. { $date } · Школа: { $text }

news-line_class = { $n }. { $date } · Класс { $class_name } ({ $children }): { $text }

news-line_file = 📎

news-line_new = 🆕

news-hint = Нажмите номер, чтобы открыть целиком. 🆕 — вы ещё не отметили «Ознакомлен».

news-btn-older = Ранее ▶

news-btn-newest = ◀ К новым

news-btn-list = ◀ К списку

news-btn-ack = Ознакомлен

news-item_school = 📢 <b>Новость школы</b> · { $date }

news-item_class = 📅 <b>Событие класса { $class_name }</b> ({ $children }) · { $date }

news-item_event_at = 🗓 Когда: { $date }, { $time }

news-item_event_day = 🗓 Когда: { $date }

news-item_from = — { $author }

news-item_acknowledged = ✅ Вы отметили «Ознакомлен».

news-acknowledged = Отмечено: ознакомлен.

cmd-news = 📰 Новости

cmd-calendar = 📅 Календарь в телефоне

help-cmd-news = прошлые новости школы и события класса: перечитать, открыть файл, отметить «Ознакомлен»

# The command line with MAX (bot/__main__.py): start-up errors of the MAX front end and the
# warning about a placeholder in MAX invite links.

cli-maxapi_unreachable = MAX Bot API по адресу { $url } недоступен ({ $reason }). Проверьте сеть; MAX_API_URL задаёт адрес другого сервера (например, локального для проверки: python -m testkit.maxapi).

cli-maxapi_unauthorized = MAX Bot API по адресу { $url } не принял токен (MAX_BOT_TOKEN): проверьте его на платформе MAX для партнёров.

demo-max_placeholder =
    ВНИМАНИЕ: ссылки MAX ведут на max.ru/{ $name } — это заглушка, а не ваш бот: имя бота в MAX ещё неизвестно.
    Запустите бота с MAX_BOT_TOKEN один раз (он запомнит своё имя из MAX) или задайте MAX_BOT_USERNAME, затем выполните команду снова.

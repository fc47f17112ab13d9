# The command line with MAX (bot/__main__.py): start-up errors of the MAX front end and the
# warning about a placeholder in MAX invite links.

cli-maxapi_unreachable = The MAX Bot API at { $url } cannot be reached ({ $reason }). Check the network; MAX_API_URL points the bot at another server (a local one for trying it: python -m testkit.maxapi).

cli-maxapi_unauthorized = The MAX Bot API at { $url } refused the token (MAX_BOT_TOKEN): check it on MAX's platform for partners.

demo-max_placeholder =
    WARNING: the MAX links point to max.ru/{ $name }, a placeholder, not your bot: the bot's username in MAX is not known yet.
    Run the bot with MAX_BOT_TOKEN once (it remembers its username from MAX) or set MAX_BOT_USERNAME, then run the command again.

"""The word tables and line patterns the text-dump cleaner recognises boilerplate by.

Shape rules in ``_textdump`` catch most boilerplate whatever its wording; these patterns catch
what has no telling shape ("Advertisement", a photo credit, a cookie notice) and the markers
where an article ends. Each is matched against one whole line of a page.
"""

from __future__ import annotations

import re

# English function words: prose is full of them, headlines, menus and credits are not.
STOPWORDS = frozenset(
    """a about after against all also an and any are as at be been before being but by can
    could did do does from had has have he her him his how i if in into is it its just more
    most my no not of on once only or other our out over own said says she so some such than
    that the their them then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your""".split()
)

# Headings and prompts that are never part of an article. Shape rules catch most boilerplate;
# these catch the short ones that have no telling shape ("Advertisement", "Read more").
BOILERPLATE = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|ad|paid content|"
    r"(?:story|article) continues (?:below|after).*|continue reading.*|"
    r"read (?:more|also|next|full story|the full story)|see (?:more|also)|more:?|related.*|"
    r"recommended.*|trending.*|popular.*|most (?:read|popular|viewed|shared).*|latest.*|"
    r"(?:more )?(?:top )?stories|more from .*|more in .*|also on .*|also:.*|don.t miss.*|"
    r"explore further|you (?:may|might) (?:also )?like.*|tags?:?.*|topics?:?|"
    r"share(?: this)?(?: (?:article|story|page|post))?(?: on .*)?|"
    r"(?:sign up|subscribe|follow us|click here|tap here|download the app)\b.*|"
    r"(?:facebook|twitter|linkedin|email|print|whatsapp|reddit|pinterest|copy link)|"
    r"(?:previous|next) (?:post|article|story)|view (?:all|comments).*|(?:\d+ )?comments?|"
    r"(?:image|photo|video|picture|gallery|graphic)s?(?: \d+ of \d+| \d+:\d\d)?|"
    r"(?:image|photo|media) (?:copyright|caption|source).*|back to gallery|media playback.*|"
    r"breaking(?: news)?|just in|live|getty|getty images|close|menu|search|"
    r"skip to (?:the )?(?:main )?(?:content|article|navigation|search)|loading.*)\W*$",
    re.IGNORECASE,
)
# Share and follow buttons: "Copy Link URL Copied!", "Follow VentureBeat on RSS", "Slate on
# Twitter", "Share All sharing options for: <headline>" (which holds the headline, so it is
# matched whatever its length).
_NETWORKS = (
    r"(?:rss|twitter|facebook|instagram|linkedin|youtube|tiktok|pinterest|reddit|tumblr|"
    r"flipboard|pocket|whatsapp|telegram|threads|snapchat|messenger|google news|apple news)"
)
SOCIAL = re.compile(
    r"^(?:copy (?:link|url)\b.*|(?:link|url) copied\W*|"
    r"(?:show more|close extra|all) sharing options\b.*|share all sharing options\b.*|"
    r"follow (?:[\w.&'’-]+ ){1,3}on(?: " + _NETWORKS + r")?\W*|"
    r"(?:[\w.&'’-]+ ){1,3}on " + _NETWORKS + r"\W*|"
    r"(?:share|send|post|submit|pin|tweet|email)(?: (?:this|it|link))?(?: on| to| via) "
    r"(?:" + _NETWORKS + r"|e-?mail|a friend|stumbleupon|digg|whatsapp|sms)\b.{0,30}|"
    r".{0,60}\(opens in (?:a )?new (?:window|tab)\))$",
    re.IGNORECASE,
)
# Boilerplate labels are short; a longer line that starts like one ("Shares of ...") is prose.
BOILERPLATE_MAX_WORDS = 8

# A link to another story set in the text: "READ MORE: China plague outbreak confirmed".
CROSSLINK = re.compile(
    r"^(?:read (?:more|also|next)|also read|see (?:more|also)|related|more|watch|listen|"
    r"recommended|don.t miss|must read|trending|top stories|opinion|breaking(?: news)?|"
    r"just in|developing(?: story)?|live(?: updates)?)\s*[:|>»-]\s*\S.{0,150}$|"
    r"^(?:also|more|read more) on [\w-]+\.[a-z]{2,}\b.{0,150}$",
    re.IGNORECASE,
)

# Prompts that may be long: newsletters, cookies, apps, paywalls.
PROMPT = re.compile(
    r"\b(?:sign up (?:for|to) (?:our|the|my|a free)\b.{0,40}\b(?:newsletter|emails?|alerts)|"
    r"subscribe to (?:our|the|\w+(?:’s|'s)) (?:[\w.-]+ ){0,3}(?:newsletters?|channel|podcast)|"
    r"newsletters?\b.{0,40}\binbox|your inbox|privacy policy|terms of (?:service|use)|"
    r"all rights reserved|copyright ©|©\s*\d{4}|get the [\w ]{1,30} app\b|"
    r"download (?:our|the) (?:free )?app|click here to|tap here to|follow us on|"
    r"share (?:this|on) (?:article|story|facebook|twitter)|protected by recaptcha|"
    r"(?:this|the) (?:content|material) may not be (?:published|reproduced)|"
    r"^(?:subscribe|sign up)\b|\bi agree (?:to|that)\b|"
    r"\b(?:share|send) (?:us )?your (?:[\w-]+,? ){0,3}(?:pictures|photos|videos?|experiences)\b|"
    # Who else worked on the story: "(Reporting by ...; Editing by ...)", "X contributed ...".
    r"^\(?(?:additional )?(?:reporting|writing|editing) by\b|"
    r"\bcontributed (?:reporting|to this (?:report|story|article))\b)",
    re.IGNORECASE,
)

# Notices that stand in for an article: cookie walls, error pages, paywalls, robot checks.
# A page made of these holds no article, and inside an article they are boilerplate.
NOTICE = re.compile(
    r"\b(?:(?:we|this (?:site|website)|our partners) (?:and our partners )?use cookies|"
    r"by (?:clicking|continuing|using this (?:site|website))\b.{0,80}\b(?:accept|agree|consent)|"
    r"(?:accept|reject|allow) all\b|cookie (?:settings|preferences|policy)|"
    r"process(?:ing)? (?:of )?your personal data|"
    r"(?:page|article|content) (?:you (?:are|were) looking for|you requested|"
    r"(?:was|could) not (?:be )?found|(?:no longer|does not|doesn.t) exists?)|"
    r"(?:couldn.t|could not|can.t|cannot) (?:find|locate) (?:the|this|that) page|"
    r"\b404\b|page not found|moved,? renamed or deleted|typed incorrectly|"
    r"go back to the home ?page|(?:enable|turn on) javascript|are you a robot|access denied|"
    r"(?:subscribe|sign in|log in|register) to (?:continue|read|keep) reading|"
    r"(?:reached|used) your (?:limit|free articles))",
    re.IGNORECASE,
)

# The small print under a quote box or a market table, in any site's wording: where the data
# comes from, how late it is, and that it is no advice. Never part of the story beside it.
DISCLAIMER = re.compile(
    r"\b(?:quotes? (?:are |is )?delayed|(?:real-time|delayed) (?:quotes|prices|data)|"
    r"(?:market|fundamental|price|quote|index) data (?:is |are )?(?:provided|powered|supplied)|"
    r"data (?:provided|supplied) by|for (?:informational|information|general) purposes only|"
    r"not (?:intended|meant|to be (?:construed|taken)) (?:as|for) (?:(?:financial|investment|"
    r"legal|trading) )?(?:advice|trading|a recommendation)|does not constitute (?:financial |"
    r"investment )?advice)",
    re.IGNORECASE,
)

# A row of a quote box: a ticker or an index, its price and its change ("CPLN 148.20 +8.7%").
QUOTE_ROW = re.compile(
    r"^[A-Z][A-Z0-9.&^ -]{0,20}\s+[$€£]?\d[\d,]*(?:\.\d+)?\s+[+\-−▲▼]?\s?\d[\d,]*(?:\.\d+)?%?"
    r"(?:\s+\(?[+\-−]?\d[\d.,]*%?\)?)?$"
)

# Where the article ends and the readers' comments begin.
# A reader's comment opens with its writer and time: "Milan Griffes on September 12, 2018 at
# 4:47 pm said:", "Ann at 9:12 am says", or the writer's name alone: "Ryan Bednar says:"; a
# thread with its count: "12 thoughts on ...".
COMMENT_HEADER = re.compile(
    r"^(?i:.{2,60} (?:on|at) .{4,40}\d(?: at .{3,12})? (?:said|says|wrote):?)$|"
    r"^[A-Z][\w.'’-]*(?: [A-Z(][\w.'’()-]*){0,4} (?:says|said|wrote):?$"
)
THREAD_TITLE = re.compile(
    r"^(?:\d+|one|two|three) (?:thoughts?|responses?|comments?|replies) (?:on|to) \S",
    re.IGNORECASE,
)
# The form a reader comments in, which sits below the article and above the thread.
COMMENT_FORM = re.compile(
    r"^(?:your email address will not be published|save my name, email,? and website|"
    r"you must be logged in to post a comment|by submitting this form you agree|"
    r"required fields are marked)",
    re.IGNORECASE,
)
COMMENTS_START = re.compile(
    r"^(?:\d+\s+)?comments?\s*:?$|^\d+\s+(?:responses?|replies|reactions?)\b|"
    r"^(?:\d+|one)\s+thoughts? on\b|"
    r"^(?:leave|post|add|write) a (?:reply|comment|response)\b|"
    r"^comments? (?:are closed|policy)\b|^(?:show|view|load) (?:\d+ )?comments\b|"
    r"^.{2,60} (?:on|at) .{4,40}\d(?: at .{3,12})? (?:said|says|wrote):?$|"
    r"^as you comment\b|^join the (?:conversation|discussion)\b|^please (?:keep|be) .{0,40}comment",
    re.IGNORECASE,
)

# Lines that close an article: the author's bio, contact lines, copyright, "like this?".
_NAME = r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}"
ARTICLE_END = re.compile(
    r"^(?:(?i:about (?:the )?author)|(?i:about) " + _NAME + r"$|(?i:have a (?:news )?tip)|"
    r"(?i:write|contact|email|reach) (?:to |the )?(?:(?i:author|reporter)|" + _NAME + r")"
    r"\b.{0,60} at\b|"
    r"(?i:(?:did you )?(?:like|enjoy)d? (?:this|the) (?:article|story))|"
    # An author's bio: "Meg James is a corporate media reporter for ...".
    r"(?:[\w-]+ ){0,4}" + _NAME + r"(?: \([^)]*\))? (?:is|was) an? (?:[\w,-]+ ){0,6}"
    r"(?i:writer|reporter|journalist|editor|correspondent|columnist|contributor|author)\b|"
    r"(?:[\w-]+ ){0,4}" + _NAME + r" (?:writes (?:a|about|for)|covers|has covered|"
    r"has been (?:reporting|writing|covering))\b|"
    r"(?i:this (?:document|article|material) is (?:subject to|protected by) copyright)|"
    r"©|(?i:copyright\s*(?:©|\(c\)|\d{4})))"
)

# Captions and credits: "(Image: GETTY)", "Photo by ...", "Jane Doe/Getty Images", "Credit: ESA".
CREDIT = re.compile(
    r"\((?:image|photo|picture|pic|video|credit)s?:?[^)]*\)\s*$|"
    r"\b(?:image|photo|picture|video|graphic)s? (?:by|courtesy|credit)\b|"
    r"\b(?:credit|source|courtesy|photograph|illustration|image|photo)s?(?::|\.\.\.|…)\s*\S.{0,60}$|"
    r"\b(?:getty images?|shutterstock|istock(?:photo)?|afp|ap photo|reuters|"
    r"associated press|submitted photo|file photo|contributed|handout)\s*\)?$|"
    r"^(?:file )?photo:|^image \d+ of \d+|^\d+ of \d+$|/\s*(?:getty|ap|afp|reuters)\b|"
    r"\bfile (?:photo|image)\b|\bin this (?:\S+ ){0,8}(?:photo|image|picture)\b|"
    r"^\((?![^()]*[?!]\)$)[^()]{2,40}\)$|"
    r",\s(?:left|right|center|centre|second (?:from )?(?:left|right)),\s|"
    r"\((?:left|right|center|centre|pictured|inset|file|background|foreground|"
    r"front|back|top|bottom|l|r|c|l-r|from left|from right)\)|^(?:pictured|above|top|below):|"
    r"\(\s*[A-Z][A-Z .'-]+/[^)]*\)?\s*$|"
    # A caption's sentence and then its credit: "... holding a joint. Getty"
    r"(?-i:(?<=[a-z]{3}[.!?])\s+[A-Z][\w&/'-]*(?: [A-Z][\w&/'-]*){0,2})$",
    re.IGNORECASE,
)

# "Michael Conroy, AP": a photographer and an agency, comma-separated, closing a line.
AGENCY_CREDIT = re.compile(
    r"[,|/]\s*(?:AP|AFP|EPA|Reuters|Getty Images|Associated Press|Bloomberg|Shutterstock)$"
)

# The end of a caption of any length: an agency's credit ("... on November 19, 2019. Jaafar
# ASHTIYEH / AFP", "An MSC cargo ship leaves PortMiami, on Aug. 31, 2019. (AP)"), or a
# gallery's toggle ("... on Nov. 19, 2019. less", "... concept vehicle at... more"). A
# paragraph of the story does not end so.
END_CREDIT = re.compile(
    r"(?:\s/\s*|\()(?:AP|AFP|EPA|Reuters|Getty Images|Getty|Xinhua|Shutterstock|"
    r"AP Photo|Reuters Photo|EPA-EFE|Anadolu Agency)\)?\s*$|"
    r"(?<=[.!?]) less$|(?:\.\.\.|…) more$"
)

# A line that is a link or a piece of markup, not prose.
LINKISH = re.compile(
    r"https?://|www\.\S+|\S+@\S+\.\w+|(?:^|\s)@\w+|[»›]|\.{3}$|…$|\[\+\]|"
    r"^\W*\d+\W*$|^[\w.-]+\.(?:jpg|jpeg|png|gif|svg|webp)$|\[[A-Z ]{3,}\]\W*$"
)

META = re.compile(
    r"^(?:updated|published|posted|last updated|first published|modified)\b|"
    r"^\d+\s+min(?:ute)?s?\s+read$",
    re.IGNORECASE,
)

# A byline without "By": the writer's name and role ("Tom Krisher, AP Auto Writer",
# "Practical Horseman Editorial Staff", "Analysis by Chris Cillizza, CNN Editor-at-large").
_ROLE = r"(?:writer|reporter|correspondent|editor(?:-at-large)?|columnist|contributor)"
STAFF = re.compile(
    r"[,|]\s*(?:[\w.&'’-]+ ){0,3}" + _ROLE + r"$|"
    r"\b(?:staff|senior|chief|editorial|wire|contributing|special) (?:" + _ROLE + r"|staff)$|"
    r"\b(?:wire|news) services?$|^(?:analysis|opinion|commentary|review) by\b",
    re.IGNORECASE,
)

BYLINE = re.compile(
    r"^(?:by|written by|words by|posted by|reported by)\s+"
    r"(?P<name>[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|da|and|&)){0,5})",
    re.IGNORECASE,
)

# A label set before a headline, naming the column, section or format it runs in, not its
# news: "Column: ...", "Fact Check: ...", "Dear Abby: ...", "Daily Deals: ...", "Business
# Focus: ...", "Tuesday's college football: ...". A subject before a colon ("Bubonic plague:
# ...", "Hong Kong chaos: ...") is news and stays.
_FORMATS = (
    r"(?:column|opinion|editorial|commentary|analysis|explainer|exclusive|review|recap|preview|"
    r"roundup|round-up|briefing|digest|update|watch|focus|spotlight|notebook|diary|podcast|"
    r"video|photos|gallery|poll|quiz|interview|obituary|letters?|deals|check|q&a)"
)
_SECTIONS = (
    r"(?:business|money|markets?|tech|technology|science|health|sports?|travel|food|style|"
    r"fashion|arts?|culture|film|movie|book|music|album|tv|theatre|theater|game|politics|"
    r"world|local|news|property|motoring|weather|daily|weekly|weekend|morning|evening|"
    r"fact|reality|guest|live)"
)
WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"  # lower case: match it ignoring case
_ADVICE = r"(?-i:(?:Dear|DEAR|Ask|ASK) [A-Z][\w'’]+)"  # "Dear Abby", "Ask Amy"
_DAY_ROUNDUP = WEEKDAY + r"(?:'s|’s)(?: [\w-]+){1,3}"  # "Tuesday's college football"
_LABELS = "|".join(
    (rf"(?:{_SECTIONS}\s+)?{_FORMATS}", r"live updates|breaking(?: news)?", _ADVICE, _DAY_ROUNDUP)
)
TITLE_LABEL = re.compile(
    rf"^(?:{_LABELS})\s*:\s+(?=\S)",
    re.IGNORECASE,
)

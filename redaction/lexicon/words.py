"""Curated English word lists for telling names from ordinary words.

The large lists (first names, word frequencies) come from packages, see ``names.py``; these
small ones correct them where chat text needs it. All entries are lower case.
"""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: keeps long curated lists readable."""
    return frozenset(text.split())


#: First names that are also everyday words (or months, days, places in ordinary use).
#: Such a name counts as a person only inside a name context ("hi Will,", "my name is Mark").
#: Names whose word sense is very frequent are found automatically (see ``names.py``); these
#: are the ones a frequency cut-off misses.
NAME_LIKE_WORDS: frozenset[str] = word_set(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday easter christmas
    will mark bill grace hope rose sky summer chase art amber june may august autumn winter
    spring dawn eve faith joy charity patience mercy honor honour harmony melody destiny
    trinity unity serenity liberty justice verity chastity prudence constance felicity
    ruby pearl jade ivy holly iris daisy violet poppy lily jasmine heather rosemary willow
    hazel olive coral crystal diamond emerald ivory amethyst opal sapphire ginger saffron
    berry cherry clay dale glen lane brook river forest meadow rain storm stormy sunny windy
    frank earl duke baron prince king major royal noble sterling dean marshall porter mason
    carter hunter walker tucker cooper baker taylor turner fisher gardner miller parker
    pat rob bob sue nick jack jimmy drew grant ray don guy gene penny bud buck chip rusty
    dusty sandy misty rocky teddy bunny kitty dolly sissy candy brandy sherry cherish
    max al ed art jay di mo
    dot tab peg mat pip pierce lance wade rod chuck dick sonny mickey willy woody
    cole colt blake blaze reed reese sage raven swan robin jewel velvet haven blossom
    ally marvel gala herb ore rye tan yen lone ting ping woo sung dang ding dong bong
    tam lam ram han shin min ming yang yin chi mai ban bin tu ba se li ai ka mi co
    edit duo mini mentor merit peer pier ferry tram viking santa sultan saviour herald
    genesis apollo thor valentine primo lotta saga lore gent diva karma alpha phoenix
    christian jesus christ lord angel angels miles roger hardy ninja hue le la
    """
)

#: First names so frequent in film subtitles that the frequency cut-off would call them words.
NAMES_NOT_WORDS: frozenset[str] = frozenset({"emily", "sean", "mike", "sally", "sarah", "john"})

#: Surnames that are also common words: after a first name they still count ("Sarah Brown",
#: "hi im tom baker"). Family names, not first names.
WORD_SURNAMES: frozenset[str] = word_set(
    """
    smith brown white green black young king wood hill hall ward bell park baker walker
    clark clarke cook hunter fisher mason carter cooper turner parker marshall butler fox
    rose gray grey bird lamb stone rice field fields banks burns page bishop knight
    chambers holmes webb dean wells little sharp rich love price ball payne gill law nash
    moss hart frost lowe chapman barber shepherd potter taylor miller porter hunt cross
    west north brooks bush glass booth ford gold summers spencer savage noble wise
    strong armstrong newman goodman freeman hardy best bond church cash singer gardner
    steel bean bacon cole sweet swan crane finch mills waters rivers woods hills wall
    marsh pope palmer hudson grant lord tanner dyer draper slater thatcher weaver wolf
    lucas james thomas martin lewis jackson harris morris rogers stewart barnes day
    long moon rich may read gates branch house
    """
)

#: Word endings that mark an ordinary word in lower-case text ("im gutted", "im emailing").
WORD_SUFFIXES: tuple[str, ...] = (
    "ing",
    "ed",
    "ly",
    "ful",
    "less",
    "ous",
    "ive",
    "able",
    "ible",
    "ment",
    "ness",
    "tion",
    "sion",
    "ish",
    "est",
    "ity",
)

#: Words that end a name ("this is Sarah from Acme", "im sarah and ...").
NAME_STOP_WORDS: frozenset[str] = word_set(
    """
    a an the and or but nor so yet for from at by with without to of in on into onto
    i im i'm me my mine you your yours u ur he she it its it's we us our they them their
    is am are was were be been being do does did done have has had having will would can
    could shall should may might must here there this that these those what who whom whose
    which when where why how not no yes ok okay please pls plz thanks thank thx ty cheers
    hi hey hello hiya dear regards best sincerely yours love x xx xxx just also still
    again too very really about regarding re if as than then then because since until
    calling speaking writing messaging emailing contacting chatting texting here
    mr mrs ms miss mx dr prof sir madam team support nga kia ora morena tena koe hola ciao
    aloha shalom salaam namaste hai
    """
)

#: Chat words that follow a greeting or thanks but name nobody ("thanks hun", "hey peeps",
#: "yo, wheres my parcel"): vocatives, slang and apostrophe-less contractions.
CHAT_WORDS: frozenset[str] = word_set(
    """
    guys peeps hun hon hunny honey babe babes luv love darling dear sweetie petal pet duck
    chief boss fam dude dudes bro bruv bruh sis mate mates pal pals buddy bud chap lads
    ladies gents folks everyone everybody anyone anybody someone somebody all y'all yall
    lol lmao omg idk tbh btw smh sm imo fyi pls plz thx ty tysm np nvm ikr rn asap
    wheres whats hows whos theres heres cant wont dont didnt doesnt isnt wasnt hasnt havent
    couldnt wouldnt shouldnt arent werent ive youre theyre ill id ur u r ya yeah yep yup
    nope nah ok okay k kk hmm hm ugh ah oh eh um erm uh hiya heya again legend star
    """
)

#: Capitalised words that start a new sentence or clause rather than continue a name
#: ("Hi Sarah Quick question", "Thanks Tom Have a good day").
SENTENCE_STARTERS: frozenset[str] = word_set(
    """
    quick just so any is are do does did can could would will shall should may might must
    what when where why how who which whose there here we i it its this that these those
    please thanks thank cheers hope hoping sorry good great ok okay yes yeah yep no nope
    hi hello hey dear regards best kind many also and but or as apologies unfortunately
    fortunately actually basically again still not order fyi ps btw lol well right sure
    anyway however although though because since if then now today tomorrow yesterday
    let lets let's have has had need needs want wants looking wondering trying tried
    welcome happy glad sadly really very much more less some all every each both either
    neither one two three our your my his her their them they you he she me us him
    new old your about after before while until unless once with without from for at
    on in into onto of off up down out over under by to via per re subject update
    """
)

#: Words that name a place or an organisation after a first name: "Victoria Station" and
#: "Jordan Park" are not people.
PLACE_WORDS: frozenset[str] = word_set(
    """
    station street st road rd avenue ave lane ln drive dr way close crescent gardens terrace
    square place park hill green airport hospital school college university academy centre
    center mall line bridge house hotel bank church cathedral chapel library museum gallery
    theatre theater cinema stadium arena hall court market shopping retail store shop
    branch depot warehouse office offices building tower towers plaza heights estate
    village town city county district borough island beach bay harbour harbor port river
    lake falls valley springs wood woods forest gate gates cross junction terminal
    limited ltd inc llc plc group company co corp corporation foundation trust fund
    """
)


def typo_pattern(word: str) -> str:
    """A regex alternation of ``word`` and its one-slip misspellings: two neighbouring
    letters swapped ("naem"), a letter doubled ("naame") and a letter dropped ("nae",
    "usrname"; never the first letter of a four-letter word). People type labels fast:
    "my usenrame is …"."""
    variants = {word}
    for i in range(len(word) - 1):
        variants.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    for i in range(len(word)):
        variants.add(word[:i] + word[i] + word[i:])
        if len(word) >= 5 or (len(word) == 4 and i > 0):
            variants.add(word[:i] + word[i + 1 :])
    return "(?:" + "|".join(sorted(variants, key=len, reverse=True)) + ")"


#: First words of place names: "Northern Ireland", "New Zealand", "St Albans".
PLACE_PREFIXES: frozenset[str] = word_set(
    """
    north south east west northern southern eastern western new united great greater
    central upper lower san santa st saint los las el port mount fort lake isle isles
    royal old little high republic kingdom
    """
)

TITLES: frozenset[str] = word_set(
    "mr mrs ms miss mx dr prof professor sir dame lady lord rev revd reverend fr cllr sgt capt"
)
#: Titles that are also ordinary words need a capitalised name after them ("miss the van").
WORDY_TITLES: frozenset[str] = word_set("miss lady lord sir captain dame")
#: Lower-case words that may sit inside a name ("Ludwig van Beethoven", "Ana de la Cruz").
PARTICLES: frozenset[str] = word_set(
    "van von de der den da di del della la le du dos das bin ibn al el st ter ten "
    "o ni nic mac ua ui mhic bean"
)
#: Colours and finishes: after a name-like word they make a product ("Rose Gold").
COLOUR_WORDS: frozenset[str] = word_set(
    "gold silver grey gray black white green blue red pink brown copper bronze steel glass "
    "wood stone cream navy olive"
)
#: Months, days and holidays: first names in the lexicon, never a vocative ("May, June and…").
CALENDAR_WORDS: frozenset[str] = word_set(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday easter christmas
    """
)

#: Words that make the words before them a product title: "3 Main Street Deals",
#: "Summer Sale", "Grand Avenue bags".
PRODUCT_WORDS = word_set(
    """
    deal deals sale sales offer offers edition collection bundle pack set special specials
    promo discount discounts savings store shop brand brands range series kit box menu style
    tickets ticket tour game games band album season episode map maps project bag bags
    boxes items units sets packs pairs pieces models products colours colors sizes mystery
    murders story stories novel show movie film book books vol volume print prints poster
    """
)


#: Who a greeting addresses when it is no person ("Hey team,", "hi there"): a one-slip
#: misspelling of these after a greeting is a typo, not a name ("Hey tam,", "hey tem,").
GREETING_ADDRESSEES: frozenset[str] = word_set("team there all everyone guys folks support")

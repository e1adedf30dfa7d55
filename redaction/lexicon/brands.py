"""Brands, places and products that look like people's names.

A PERSON match inside one of these is dropped unless a strong name context says otherwise
("my name is Paul Smith", "Name: Ted Baker").
"""

from __future__ import annotations

import re

from redaction.lexicon.words import word_set

#: Fashion, retail and other brands named after (or looking like) a person.
PERSON_LIKE_BRANDS: tuple[str, ...] = (
    "Paul Smith",
    "John Lewis",
    "Ted Baker",
    "Tommy Hilfiger",
    "Calvin Klein",
    "Ralph Lauren",
    "Marks & Spencer",
    "Marks and Spencer",
    "Hugo Boss",
    "Tom Ford",
    "Kate Spade",
    "Michael Kors",
    "Jack Wills",
    "Louis Vuitton",
    "Ben Sherman",
    "Ted Lasso",
    "Tory Burch",
    "Vera Wang",
    "Marc Jacobs",
    "Alexander McQueen",
    "Stella McCartney",
    "Jimmy Choo",
    "Christian Louboutin",
    "Christian Dior",
    "Yves Saint Laurent",
    "Giorgio Armani",
    "Emporio Armani",
    "Dolce & Gabbana",
    "Karl Lagerfeld",
    "Vivienne Westwood",
    "Tom Tailor",
    "Charles Tyrwhitt",
    "Thomas Pink",
    "Laura Ashley",
    "Ann Summers",
    "Lucy & Yak",
    "Jo Malone",
    "Charlotte Tilbury",
    "Estee Lauder",
    "Estée Lauder",
    "Bobbi Brown",
    "Ben & Jerry's",
    "Ben and Jerry's",
    "Jack Daniels",
    "Jack Daniel's",
    "Johnnie Walker",
    "Jim Beam",
    "Captain Morgan",
    "Uncle Ben's",
    "Aunt Bessie's",
    "Tony Roma's",
    "Dr Martens",
    "Dr. Martens",
    "Doc Martens",
    "Dr Oetker",
    "Dr. Oetker",
    "Harvey Nichols",
    "Sainsbury's",
    "Morrisons",
    "Martin Guitars",
    "Fred Perry",
    "Ted Lapidus",
    "Dorothy Perkins",
    "Miss Selfridge",
    "Victoria's Secret",
    "Sally Hansen",
    "Kurt Geiger",
    "Russell Hobbs",
    "Morphy Richards",
    "Tommy Bahama",
    "Kenneth Cole",
    "Steve Madden",
    "Sam Edelman",
    "Jessica Simpson",
    "Betsey Johnson",
    "Michael Hill",
    "Ernest Jones",
    "H Samuel",
    "Warren James",
    "Austin Reed",
    "Jack Jones",
    "Jack & Jones",
    "Peter Pan",
    "Harry Potter",
    "Walt Disney",
    "Ronald McDonald",
    "Wendy's",
    "Papa John's",
    "Tim Hortons",
    "Billie Eilish",
    "Taylor Swift",
    "Charlie Brown",
    "John Deere",
    "Harley Davidson",
    "Harley-Davidson",
    "Aston Martin",
    "Rolls Royce",
    "Rolls-Royce",
    "Mercedes Benz",
    "Mercedes-Benz",
    "Alfa Romeo",
    "Ford Focus",
    "Ford Fiesta",
    "Max Factor",
    "Stanley Cup",
    "Vera Bradley",
    "Oscar de la Renta",
    "Tommy Jeans",
    "Levi Strauss",
    "Levi's",
    "Carolina Herrera",
    "Christopher Kane",
    "Lily Allen",
    "Ellen Tracy",
    "Anne Klein",
    "Nina Ricci",
    "Paco Rabanne",
    "Jean Paul Gaultier",
    "Jean-Paul Gaultier",
    "Thierry Mugler",
    "Pierre Cardin",
    "Guy Laroche",
    "Carolina Lemke",
    "Johnston & Murphy",
    "Allen Edmonds",
    "Joe Browns",
    "Milton Keynes",
    "Le Creuset",
    "Karen Millen",
    "Oliver Bonas",
    "John Smedley",
    "Stuart Weitzman",
    "Manolo Blahnik",
    "Emilio Pucci",
    "Donna Karan",
    "Anya Hindmarch",
    "Lulu Guinness",
    "Cath Kidston",
    "Orla Kiely",
    "Emma Bridgewater",
    "Joseph Joseph",
    "Isabel Marant",
    "Elizabeth Arden",
    "Laura Mercier",
    "Molton Brown",
    "Neal's Yard",
    "Liz Earle",
    "Victoria Beckham",
    "Tom Dixon",
    "Peter Jones",
    "Fortnum & Mason",
    "Fortnum and Mason",
    "Mamas & Papas",
    "Jose Cuervo",
    "Paul Mitchell",
    "Betty Crocker",
    "Sara Lee",
    "Henry Hoover",
    "Philip Kingsley",
    "Paul Costelloe",
    "Helly Hansen",
    "Jack Wolfskin",
    "Timothy Taylor",
    "Anna Sui",
    "Rebecca Minkoff",
    "Abercrombie & Fitch",
    "Mr Kipling",
    "Mr Muscle",
    "Mr Sheen",
    "Dr Pepper",
    "Mrs Crimble's",
    "Mr Men",
    "Little Miss",
    "Mr Tumble",
    "Captain Birdseye",
    "Uncle Ben",
    "Aunt Jemima",
    "Simon Jersey",
    "Sweaty Betty",
    "Julien Macdonald",
)

#: Single names that are mostly a product, assistant, brand or place in support chat.
#: Without a name context they stay ("Alexa stopped working", "I live in Chelsea").
PERSON_LIKE_SINGLE_WORDS: frozenset[str] = word_set(
    """
    alexa siri cortana bixby google kindle echo nest ring roku bose dyson ikea zara shein
    asos mango nike hermes mercedes tesla lexus kia audi porsche ferrari jaguar mini fiat
    skoda honda toyota dacia seat cupra volvo chanel gucci prada dior cartier tiffany harley
    dell lenovo asus acer canon nikon sony garmin fitbit peloton argos boots halifax
    santander lloyds barclays monzo revolut starling klarna paypal venmo visa maestro
    victoria florence chelsea sydney paris georgia virginia carolina jordan austin houston
    dallas phoenix orlando adelaide alexandria lincoln hamilton preston wellington camden
    chester clifton kingston brighton devon kent essex york india america florida london
    django python julia ruby java swift perl rust scala kotlin elixir
    amazon ebay tesco asda aldi lidl sainsburys waitrose morrisons ocado currys argos evri
    yodel parcelforce fedex shopify etsy vinted depop netflix spotify disney hulu apple
    samsung microsoft xbox playstation nintendo steam uber deliveroo ryanair easyjet
    vodafone virgin orange octopus ovo eon bulb sky shell tiktok instagram facebook whatsapp
    """
)

#: Ways to pay: never a person outside a strong name context ("paid by Visa", "via PayPal").
PAYMENT_WORDS: frozenset[str] = word_set(
    """
    visa maestro mastercard amex paypal klarna clearpay laybuy afterpay venmo zelle
    monzo revolut starling applepay gpay googlepay alipay wechat bacs chaps sepa
    """
)

_LONGEST_BRAND = max(map(len, PERSON_LIKE_BRANDS)) + 8
_BRAND_PATTERN = re.compile(
    r"(?<![\w&])(?:"
    + "|".join(
        re.escape(brand.lower()).replace(r"\ ", r"\s+").replace("'", "['\u2019]")
        for brand in sorted(PERSON_LIKE_BRANDS, key=len, reverse=True)
    )
    + r")(?![\w&])",
)


def overlaps_brand(lowered: str, start: int, end: int) -> bool:
    """Does a person-like brand overlap ``lowered[start:end]``? ``lowered`` is the message
    lower-cased with its offsets kept."""
    window_start = max(0, start - _LONGEST_BRAND)
    for match in _BRAND_PATTERN.finditer(lowered, window_start, end + _LONGEST_BRAND):
        if match.start() < end and start < match.end():
            return True
    return False

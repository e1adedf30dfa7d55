"""URL: only URLs that carry personal data.

Found: profile URLs with a name or handle (``linkedin.com/in/jane-doe``,
``https://www.facebook.com/jane.doe``, ``x.com/janedoe``, ``github.com/janedoe``,
``instagram.com/jane_doe/``, ``tiktok.com/@jane``), and any URL whose query string carries an
email, a name or a phone number (``...?email=jane%40example.com``). Not found: product, help,
order-tracking and checkout URLs, and the sites' own pages (``facebook.com/help``,
``github.com/features``, ``x.com/settings``).
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.recognizers._support import SupportDeskPatternRecognizer, make_result
from redaction.types import URL

# Sites whose first path segment (after the given prefix) is a person's handle.
_PROFILE_SITES = (
    r"linkedin\.com/(?:in|pub)/|"
    r"(?:facebook|fb)\.com/|"
    r"(?:twitter|x)\.com/|"
    r"instagram\.com/|threads\.net/@?|"
    r"github\.com/|gitlab\.com/|bitbucket\.org/|"
    r"tiktok\.com/@|youtube\.com/(?:@|c/|user/)|"
    r"medium\.com/@|reddit\.com/(?:u|user)/|"
    r"pinterest\.(?:com|co\.uk)/|t\.me/|wa\.me/|"
    r"twitch\.tv/|soundcloud\.com/|vimeo\.com/|dribbble\.com/|behance\.net/|"
    r"about\.me/|linktr\.ee/|keybase\.io/|calendly\.com/|paypal\.me/|venmo\.com/(?:u/)?|"
    r"bsky\.app/profile/|mastodon\.social/@|snapchat\.com/add/|flickr\.com/people/|"
    r"stackoverflow\.com/users/\d+/|quora\.com/profile/"
)
_URL_TAIL = r"[^\s<>\"'`()\[\]{}|\\^]*"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class PersonalUrlRecognizer(SupportDeskPatternRecognizer):
    """Two patterns: a known profile site followed by a handle, and any http(s)/www URL whose
    query string has an email/name/phone parameter. The span is the whole URL minus trailing
    sentence punctuation. A site's own pages (help, settings, login...) are dropped by name."""

    ENTITY = URL

    PATTERNS = [
        Pattern(
            "profile URL",
            rf"(?<![\w@.-])(?:https?://)?(?:(?:www|m|mobile|[a-z]{{2}})\.)?(?:{_PROFILE_SITES})"
            # the handle, with an inner apostrophe ("x.com/SaumyaO'Loughlin"), then the rest
            rf"[\w.%~+-]+(?:['\u2019][\w.%~+-]+)*{_URL_TAIL}",
            0.85,
        ),
        Pattern(
            "URL with personal query parameters",
            rf"(?<![\w@.-])(?:https?://|www\.)[^\s?<>\"']+\?{_URL_TAIL}?"
            r"(?<=[?&;])(?:e-?mail|email_?address|user_?email|name|first_?name|last_?name|"
            r"full_?name|fname|lname|surname|user_?name|username|login|phone|mobile|tel|"
            rf"customer_?name|recipient)={_URL_TAIL}",
            0.85,
        ),
    ]

    CONTEXT = ["profile", "linkedin", "facebook", "twitter", "instagram", "github", "url", "link"]

    # First path segments that are the site's own pages, not somebody's handle.
    SITE_PAGES = _words(
        """
        about account accounts ads business careers company contact developers docs
        events explore features gaming groups hashtag help home i intent jobs legal
        login logout marketplace messages notifications p pages policies policy pricing
        privacy reel reels search security settings share sharer signup site stories
        terms topics tos trending watch enterprise customer-stories collections
        marketplace orgs organizations sponsors readme team new pulls issues codespaces
        apps solutions resources premium learning school feed posts status shorts
        results playlist channel hc support blog press download downloads
        """
    )

    _CANDIDATE_RES = tuple(re.compile(p.regex, re.IGNORECASE) for p in PATTERNS)
    _HANDLE_RE = re.compile(rf"(?:{_PROFILE_SITES})([\w.%~+-]+)", re.IGNORECASE)
    _CODE_HOST_RE = re.compile(r"(?:github\.com|gitlab\.com|bitbucket\.org)/", re.IGNORECASE)
    _REPO_PATH_RE = re.compile(r"/[^/?#\s]")
    _PREFILTER_RE = re.compile(r"\.(?:com|net|me|io|tv|ee|app|social|org|co\.uk)/|://|www\.")

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if not self._PREFILTER_RE.search(text):
            return []
        spans: dict[tuple[int, int], int] = {}
        for index, candidate_re in enumerate(self._CANDIDATE_RES):
            for match in candidate_re.finditer(text):
                start, end = match.start(), self._trim_end(text, match.start(), match.end())
                if index == 0 and not self._is_profile(text[start:end]):
                    continue
                spans[(start, end)] = index
        results = [
            make_result(self, self.PATTERNS[index], start, end, 0.85, context_checked=True)
            for (start, end), index in spans.items()
        ]
        return self.remove_duplicates(results)

    def _is_profile(self, url: str) -> bool:
        handle = self._HANDLE_RE.search(url)
        if handle is None:
            return False
        name = handle.group(1).rstrip(".").lower()
        if name in self.SITE_PAGES or (name.endswith(".php") and "id=" not in url.lower()):
            return False
        if self._CODE_HOST_RE.search(url) and self._REPO_PATH_RE.match(url, handle.end()):
            return False  # github.com/<owner>/<repo>/...: a project (often an organisation's)
        return len(name) >= 2

    @staticmethod
    def _trim_end(text: str, start: int, end: int) -> int:
        """Drop sentence punctuation that follows a URL ("see x.com/jane.")."""
        while end > start and text[end - 1] in ".,;:!?'\"":
            end -= 1
        return end


RECOGNIZER = PersonalUrlRecognizer

from __future__ import annotations

import pytest
from cluster_texts import CHIPS, QUAKE_A, make_article

from wirebrief.cluster import is_junk

COOKIES = (
    "We use cookies to give you the best experience on our website. By continuing to browse this site you "
    "agree to our use of cookies. You can change your cookie settings at any time in your browser.\n\n"
    "Accept all cookies"
)
SIGN_UP = (
    "Sign up for our daily newsletter and get top stories and breaking news delivered to your inbox every "
    "morning.\n\nAlready a subscriber? Log in to continue reading.\n\nCreate a free account today"
)
TWEET = (
    "Tweet with a location\n\nYou can add location information to your Tweets, such as your city or precise "
    "location, from the web and via third-party applications. You always have the option to delete your "
    "Tweet location history. Learn more"
)
ERROR_PAGE = (
    "JavaScript is disabled\n\nYou need to enable JavaScript to use this site. This feature is not available "
    "right now. Please try again later, or check that your browser is up to date and allows scripts."
)
ARCHIVE = (
    "Starting in 1996, Alexa Internet has been donating their crawl data to the Internet Archive. Flowing in "
    "every day, these data are added to the Wayback Machine after an embargo period."
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (COOKIES, "cookie banner"),
        (SIGN_UP, "sign-up wall"),
        (TWEET, "tweet embed"),
        (ERROR_PAGE, "error page"),
        (ARCHIVE, "web archive notice"),
        ("Storm warning issued for the coast.", "too short: 6 words"),
    ],
)
def test_non_news_documents_are_junk(text: str, reason: str) -> None:
    assert is_junk(make_article("x", text)) == reason


@pytest.mark.parametrize("text", [QUAKE_A, CHIPS])
def test_news_reports_are_not_junk(text: str) -> None:
    assert is_junk(make_article("x", text)) is None


def test_a_report_with_a_newsletter_footer_is_not_junk() -> None:
    # Boilerplate lines inside a real report do not make it junk: most of the text is reporting.
    text = QUAKE_A + "\n\n" + CHIPS + "\n\nSign up for our newsletter."
    assert is_junk(make_article("x", text)) is None


def test_a_report_that_mentions_cookies_in_passing_is_judged_by_its_share() -> None:
    text = QUAKE_A + "\n\nThe agency's website, which says it uses cookies, crashed under the traffic."
    assert is_junk(make_article("x", text)) is None


# One line per boilerplate pattern.
BOILERPLATE_LINES = [
    "We use cookies to improve your experience.",
    "Read our cookie policy.",
    "Accept all cookies",
    "By continuing to browse this site you agree.",
    "Sign up for our daily email.",
    "Subscribe now for unlimited access.",
    "Join our mailing list.",
    "Get the newsletter.",
    "Log in to continue reading.",
    "Create a free account.",
    "Click below to sign the petition.",
    "Confirm your signature in your email.",
    "Like us on Facebook.",
    "Join us on Facebook.",
    "Fill in your contact details below.",
    "Already a subscriber?",
    "Tweet with a location",
    "Add a location to your Tweets",
    "You can delete your Tweet location history.",
    "Look at this pic.twitter.com/AbC123",
    "— Jane Doe (@janedoe) March 2, 2026",
    "JavaScript is disabled.",
    "Please enable JavaScript.",
    "Page not found",
    "Error 404: the file was not found",
    "This feature is not available right now.",
    "Please try again later.",
    "The interactive transcript could not be loaded.",
    "Rating is available when the video has been rented.",
    "Your browser does not support the video tag.",
    "Access denied",
    "Your custom domain mapping may take a while.",
    "Pages are donated to the Internet Archive.",
    "See it in the Wayback Machine.",
    "This collection contains crawls.",
    "Web captures of the site.",
    "The WARC files are not public.",
    "Alexa donates crawl data.",
    "A crawl of the web with the seedlist below.",
    "The seed for this crawl was every front page.",
    "Collection Wide00021, captured in 2013.",
    "Crawl start date: 2013-05-01.",
    "Crawl of outlinks from the encyclopedia, March 2016.",
    "These files are currently not publicly accessible.",
    "Sorry, the page you requested could not be found.",
]


@pytest.mark.parametrize("line", BOILERPLATE_LINES)
def test_each_boilerplate_pattern_fires_through_its_trigger(line: str) -> None:
    # A pattern whose trigger word is missing from its matches would never fire: one line per pattern.
    from wirebrief.cluster.junk import _boilerplate_reason

    assert _boilerplate_reason(line) is not None


def test_every_pattern_has_an_example_line() -> None:
    from wirebrief.cluster.junk import _PATTERNS

    for _, _, pattern in _PATTERNS:
        assert any(pattern.search(line) for line in BOILERPLATE_LINES), pattern.pattern

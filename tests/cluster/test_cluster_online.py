from __future__ import annotations

import random

from cluster_texts import CHIPS, ELECTION, QUAKE_A, QUAKE_B, make_article, settings

from wirebrief.cluster import Signals, StoryClusterer, cluster_articles
from wirebrief.records import Story, stable_id


def _membership(stories: list[Story]) -> set[tuple[str, ...]]:
    return {story.article_ids for story in stories}


def test_two_reports_of_one_event_join() -> None:
    articles = [
        make_article("a1", QUAKE_A, title="Earthquake kills 41 in eastern Turkey"),
        make_article("a2", QUAKE_B, title="Survivors pulled from rubble after Malatya quake", hours=2),
    ]
    stories = cluster_articles(articles, settings())
    assert _membership(stories) == {("a1", "a2")}
    assert stories[0].id == stable_id("s", "a1")
    assert stories[0].first_seen == articles[0].published
    assert stories[0].last_seen == articles[1].published


def test_unrelated_reports_do_not_join() -> None:
    articles = [
        make_article("a1", QUAKE_A),
        make_article("a2", CHIPS, hours=1),
        make_article("a3", ELECTION, hours=2),
    ]
    for signals in Signals:
        stories = cluster_articles(articles, settings(), signals=signals)
        assert _membership(stories) == {("a1",), ("a2",), ("a3",)}


def test_syndicated_copy_joins_its_family_whatever_its_text() -> None:
    # A syndicated copy may be cut or re-headlined beyond recognition; its family decides.
    articles = [
        make_article("a1", QUAKE_A, family="fam-quake"),
        make_article("a2", CHIPS, hours=1),
        make_article("a3", ELECTION, hours=2, family="fam-quake", outlet="partner"),
    ]
    stories = cluster_articles(articles, settings())
    assert _membership(stories) == {("a1", "a3"), ("a2",)}


def test_time_decay_closes_a_story() -> None:
    window_2_days = settings(cluster_window_days=2.0)
    within = [make_article("a1", QUAKE_A), make_article("a2", QUAKE_B, hours=24)]
    assert _membership(cluster_articles(within, window_2_days)) == {("a1", "a2")}
    # The same follow-up five days after the last report: the story has closed, and the two texts are
    # similar but not near-identical, so it starts a new story.
    late = [make_article("a1", QUAKE_A), make_article("a2", QUAKE_B, hours=5 * 24)]
    assert _membership(cluster_articles(late, window_2_days)) == {("a1",), ("a2",)}


def test_a_very_similar_late_report_reopens_a_closed_story() -> None:
    window_2_days = settings(cluster_window_days=2.0)
    reworded = QUAKE_A.replace("early on Monday", "on Monday morning")
    late = [make_article("a1", QUAKE_A), make_article("a2", reworded, hours=5 * 24)]
    assert _membership(cluster_articles(late, window_2_days)) == {("a1", "a2")}


def test_ids_are_stable_across_runs_and_orders_of_equal_time_items() -> None:
    articles = [
        make_article("b", QUAKE_B),
        make_article("a", QUAKE_A),
        make_article("c", CHIPS),
        make_article("d", ELECTION, hours=1),
    ]
    expected = cluster_articles(articles, settings())
    assert {story.id for story in expected} == {stable_id("s", "a"), stable_id("s", "c"), stable_id("s", "d")}
    shuffler = random.Random(7)
    for _ in range(5):
        shuffled = articles[:]
        shuffler.shuffle(shuffled)
        assert cluster_articles(shuffled, settings()) == expected


def test_incremental_clusterer_returns_story_ids_and_skips_junk() -> None:
    clusterer = StoryClusterer(settings())
    first = clusterer.add(make_article("a1", QUAKE_A))
    junk = clusterer.add(
        make_article(
            "j1",
            "Tweet with a location. You can add location information to your "
            "Tweets, such as your city or precise location, from the web and via "
            "third-party applications. Learn more",
            hours=1,
        )
    )
    second = clusterer.add(make_article("a2", QUAKE_B, hours=2))
    assert first == second == stable_id("s", "a1")
    assert junk is None
    assert clusterer.junk == {"j1": "tweet embed"}
    assert clusterer.add(make_article("a2", QUAKE_B, hours=2)) == second  # seen already: same answer
    assert [story.article_ids for story in clusterer.stories()] == [("a1", "a2")]


def test_non_english_reports_of_one_event_join() -> None:
    spanish_a = (
        "Un terremoto de magnitud 6,8 sacudió la ciudad turca de Malatya el lunes y dejó al menos 41 "
        "muertos, según la agencia AFAD. Los equipos de rescate buscaron supervivientes entre los edificios "
        "derrumbados de Malatya durante toda la noche."
    )
    spanish_b = (
        "La agencia AFAD elevó a 41 los muertos del terremoto de magnitud 6,8 en Malatya, en el este de "
        "Turquía; cientos de edificios se derrumbaron y las réplicas continuaron durante la noche."
    )
    articles = [
        make_article("es1", spanish_a, language="es"),
        make_article("es2", spanish_b, language="es", hours=3),
        make_article("en1", CHIPS, hours=4),
    ]
    assert _membership(cluster_articles(articles, settings())) == {("es1", "es2"), ("en1",)}


STRIKE_EN = (
    "French rail unions led by the CGT and SUD-Rail began a national strike at SNCF on Thursday over pay, "
    "cancelling one TGV in three and most regional TER trains. Union leader Nadia Berthelot said the "
    "walkout at Gare de Lyon in Paris would last until SNCF raised wages by at least 4 percent."
)
STRIKE_FR = (
    "La grève des cheminots a débuté jeudi à la SNCF à l'appel de la CGT et de SUD-Rail : un TGV sur "
    "trois est supprimé et la plupart des TER ne circulent pas. À la gare de Lyon, à Paris, Nadia "
    "Berthelot a promis que le mouvement durerait jusqu'à une hausse des salaires d'au moins 4 %."
)
VINEYARD_FR = (
    "Les vendanges se terminent en Bourgogne avec une récolte abondante après un été chaud et sec ; les "
    "vignerons de Beaune et de Nuits-Saint-Georges attendent un millésime de grande qualité et des prix "
    "stables à la vente aux enchères des Hospices en novembre."
)


def test_a_report_in_another_language_joins_on_shared_names_and_numbers() -> None:
    articles = [
        make_article("en1", STRIKE_EN, title="French rail strike cancels a third of TGV trains"),
        make_article("en2", QUAKE_A, hours=1),
        make_article(
            "fr1", STRIKE_FR, title="Grève à la SNCF : un TGV sur trois supprimé", hours=2, language="fr"
        ),
        make_article("fr2", VINEYARD_FR, hours=3, language="fr"),
    ]
    assert _membership(cluster_articles(articles, settings())) == {("en1", "fr1"), ("en2",), ("fr2",)}


def test_retired_stories_are_handed_over_and_forgotten() -> None:
    """With ``on_retire`` a story that leaves the index is handed over and the clusterer keeps nothing
    of it; ``cluster_articles`` collects them and returns the same stories as a clusterer that keeps all."""
    texts = [QUAKE_A, CHIPS, ELECTION, QUAKE_B]
    # A new event every 3 days, each with a follow-up a day later: with a 2-day window, early stories
    # close and, RETENTION_WINDOWS later, retire.
    articles = []
    for n in range(12):
        articles.append(make_article(f"e{n:02d}-1", texts[n % 4], hours=72 * n))
        articles.append(make_article(f"e{n:02d}-2", texts[n % 4], title=f"Follow-up {n}", hours=72 * n + 24))
    handed: list[Story] = []
    forgetting = StoryClusterer(settings(cluster_window_days=2.0), on_retire=handed.append)
    keeping = StoryClusterer(settings(cluster_window_days=2.0))
    for article in articles:
        forgetting.add(article)
        keeping.add(article)
    assert handed and forgetting.handed_over == len(handed)
    live = forgetting.stories()
    assert len(live) + len(handed) == len(keeping.stories())
    assert sorted([*handed, *live], key=lambda s: (s.first_seen, s.id)) == keeping.stories()
    for story in handed:
        assert all(forgetting.story_of(a) is None for a in story.article_ids)
        assert all(keeping.story_of(a) == story.id for a in story.article_ids)
    assert cluster_articles(articles, settings(cluster_window_days=2.0)) == keeping.stories()

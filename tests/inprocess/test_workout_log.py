"""The workout log's routes through the real handlers (REST proxy events, moto in-process): list, read, correct and
delete, the operator lookup by type, and statistics per period. Each test reads Given / When / Then."""

from __future__ import annotations

import json

import pytest

from support.handlers import workout

ALICE = "us-east-1:alice"  # a Cognito identity id, so that the cognito binding can be tried on the same data


def post(api, **fields):
    answer = api.post(workout(userId=ALICE, **fields))
    assert answer.status == 201, answer.body
    return answer.body


def every_page(api, query: str) -> list[list[dict]]:
    pages, token = [], None
    while True:
        answer = api.get("/workouts", query + (f"&nextToken={token}" if token else ""))
        assert answer.status == 200, answer.body
        pages.append(answer.body["items"])
        token = answer.body["nextToken"]
        if token is None:
            return pages


class TestList:
    def test_pages_are_newest_first_full_until_the_last_and_cover_everything_once(self, api):
        posted = [post(api, workoutTimestamp=f"2026-01-{day:02d}T08:00:00Z") for day in range(1, 24)]

        pages = every_page(api, f"userId={ALICE}&limit=5")

        assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
        listed = [w["workoutId"] for page in pages for w in page]
        assert listed == [w["workoutId"] for w in reversed(posted)]

    def test_from_is_inclusive_and_to_exclusive(self, api):
        at = {hour: post(api, workoutTimestamp=f"2026-02-01T{hour:02d}:00:00Z")["workoutId"] for hour in (8, 9, 10)}

        answer = api.get("/workouts", f"userId={ALICE}&from=2026-02-01T09:00:00Z&to=2026-02-01T10:00:00Z")

        assert [w["workoutId"] for w in answer.body["items"]] == [at[9]]

    def test_a_type_filter_lists_that_type_only_and_pages_fully(self, api):
        for n in range(12):
            post(
                api, workoutType="yoga" if n % 3 == 0 else "running", workoutTimestamp=f"2026-03-{n + 1:02d}T08:00:00Z"
            )

        pages = every_page(api, f"userId={ALICE}&type=yoga&limit=3")

        assert [len(page) for page in pages] == [3, 1]
        assert {w["workoutType"] for page in pages for w in page} == {"yoga"}

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("", "userId"),
            (f"userId={ALICE}&from=2026-02-02T00:00:00Z&to=2026-02-01T00:00:00Z", "from"),
            (f"userId={ALICE}&from=2026-02-02T00:00:00", "from"),
            (f"userId={ALICE}&to=yesterday", "to"),
            (f"userId={ALICE}&type=curling", "type"),
            (f"userId={ALICE}&type=Running!", "type"),
            (f"userId={ALICE}&limit=0", "limit"),
            (f"userId={ALICE}&limit=101", "limit"),
            (f"userId={ALICE}&limit=99999999999999999999999999", "limit"),
            (f"userId={ALICE}&nextToken=not-a-token", "nextToken"),
            ("userId=a%20b", "userId"),
        ],
    )
    def test_bad_parameters_are_a_400_naming_them(self, api, query, field):
        answer = api.get("/workouts", query)

        assert answer.status == 400, answer.body
        assert answer.error_fields == [field]

    @pytest.mark.parametrize(
        "other_query",
        [
            "userId=us-east-1:bob&limit=2",
            f"userId={ALICE}&limit=2&type=running",
            f"userId={ALICE}&limit=2&from=2026-01-01T00:00:00Z",
            f"userId={ALICE}&limit=2&to=2027-01-01T00:00:00Z",
        ],
    )
    def test_a_token_of_another_user_or_filter_is_a_400_naming_it(self, api, other_query):
        for day in range(1, 4):
            post(api, workoutTimestamp=f"2026-01-{day:02d}T08:00:00Z")
        token = api.get("/workouts", f"userId={ALICE}&limit=2").body["nextToken"]

        answer = api.get("/workouts", f"{other_query}&nextToken={token}")

        assert answer.status == 400 and answer.error_fields == ["nextToken"], answer.body

    def test_another_limit_may_continue_a_token(self, api):
        """Only the query's filters bind a token (AIP-158: the page size may change between pages)."""
        for day in range(1, 6):
            post(api, workoutTimestamp=f"2026-01-{day:02d}T08:00:00Z")
        token = api.get("/workouts", f"userId={ALICE}&limit=2").body["nextToken"]

        answer = api.get("/workouts", f"userId={ALICE}&limit=3&nextToken={token}")

        assert answer.status == 200 and len(answer.body["items"]) == 3

    def test_under_the_cognito_binding_another_users_list_is_forbidden(self, api, monkeypatch):
        from workout_local.events import identity

        monkeypatch.setenv("USER_BINDING", "cognito")
        answer = api.get("/workouts", "userId=us-east-1:bob", caller=identity(cognito_identity_id=ALICE))

        assert answer.status == 403


class TestReadCorrectDelete:
    def test_a_stored_workout_is_read_by_its_id_with_its_etag(self, api):
        stored = post(api, workoutTimestamp="2026-04-01T07:00:00+05:30", notes="tempo")

        answer = api.get(f"/workouts/{stored['workoutId']}")

        assert (answer.status, answer.headers["ETag"]) == (200, '"1"')
        assert answer.body == stored
        assert answer.body["utcOffset"] == "+05:30"
        assert answer.body["workoutTimestamp"] == "2026-04-01T01:30:00.000000Z"

    def test_a_merge_patch_changes_what_it_names_and_null_removes_an_optional_field(self, api):
        stored = post(api, distanceKm=5, notes="typo", heartRateAvg=140)

        answer = api.patch(stored["workoutId"], {"durationMinutes": 31, "notes": None}, if_match='"1"')

        assert (answer.status, answer.headers["ETag"]) == (200, '"2"'), answer.body
        assert answer.body["durationMinutes"] == 31 and "notes" not in answer.body
        assert answer.body["distanceKm"] == 5 and answer.body["heartRateAvg"] == 140
        assert api.get(f"/workouts/{stored['workoutId']}").body == answer.body

    def test_an_empty_patch_changes_nothing_not_even_the_version(self, api):
        stored = post(api)

        answer = api.patch(stored["workoutId"], {})

        assert (answer.status, answer.headers["ETag"], answer.body) == (200, '"1"', stored)

    @pytest.mark.parametrize(
        ("patch", "field"),
        [
            ({"workoutType": None}, "workoutType"),
            ({"durationMinutes": None}, "durationMinutes"),
            ({"caloriesBurned": None}, "caloriesBurned"),
            ({"workoutTimestamp": None}, "workoutTimestamp"),
            ({"workoutId": "x"}, "workoutId"),
            ({"userId": "us-east-1:bob"}, "userId"),
            ({"createdAt": "2026-01-01T00:00:00Z"}, "createdAt"),
            ({"calories": 5}, "calories"),
            ({"workoutType": "curling"}, "workoutType"),
            ({"durationMinutes": 241}, "durationMinutes"),
            ({"durationMinutes": 0}, "durationMinutes"),
            ({"heartRateAvg": 251}, "heartRateAvg"),
            ({"workoutTimestamp": "2099-01-01T00:00:00Z"}, "workoutTimestamp"),
            ({"workoutTimestamp": "2026-01-01T00:00:00+15:00"}, "workoutTimestamp"),
        ],
    )
    def test_a_patch_validates_as_post_does_and_changes_nothing_when_refused(self, api, patch, field):
        stored = post(api, distanceKm=2)

        answer = api.patch(stored["workoutId"], patch)

        assert answer.status == 400 and answer.error_fields == [field], answer.body
        after = api.get(f"/workouts/{stored['workoutId']}")
        assert (after.body, after.headers["ETag"]) == (stored, '"1"')

    def test_a_stale_if_match_is_a_412_and_changes_nothing(self, api):
        stored = post(api)
        api.patch(stored["workoutId"], {"notes": "first"})

        stale = api.patch(stored["workoutId"], {"notes": "second"}, if_match='"1"')
        weak = api.patch(stored["workoutId"], {"notes": "second"}, if_match='W/"2"')
        deleted = api.delete(stored["workoutId"], if_match='"1"')

        assert [stale.status, weak.status, deleted.status] == [412, 412, 412]
        assert stale.body["error"]["code"] == "precondition_failed"
        assert api.get(f"/workouts/{stored['workoutId']}").body["notes"] == "first"

    @pytest.mark.parametrize("if_match", ['"2"', "*", '"7", "2"', ' "2" '])
    def test_if_match_naming_the_current_version_or_any_lets_the_change_through(self, api, if_match):
        stored = post(api)
        api.patch(stored["workoutId"], {"notes": "first"})

        assert api.patch(stored["workoutId"], {"notes": "second"}, if_match=if_match).status == 200

    @pytest.mark.parametrize("if_match", ['"02"', '"\u00b2"', '"+2"', '"2.0"'])
    def test_if_match_is_compared_character_by_character(self, api, if_match):
        """RFC 9110's strong comparison: "02" is not "2", and digits of other scripts are not digits at all (int()
        took "\u00b2" for a number and answered 500)."""
        stored = post(api)
        api.patch(stored["workoutId"], {"notes": "first"})

        answer = api.patch(stored["workoutId"], {"notes": "second"}, if_match=if_match)

        assert answer.status == 412, answer.body
        assert api.get(f"/workouts/{stored['workoutId']}").body["notes"] == "first"

    def test_if_match_sent_on_two_lines_is_one_list(self, api):
        stored = post(api)
        api.patch(stored["workoutId"], {"notes": "first"})
        headers = [("Content-Type", "application/json"), ("If-Match", '"1"'), ("If-Match", '"2"')]

        answer = api.call("PATCH", f"/workouts/{stored['workoutId']}", body=json.dumps({"notes": "x"}), headers=headers)

        assert (answer.status, answer.headers.get("ETag")) == (200, '"3"'), answer.body

    @pytest.mark.parametrize("if_match", ["2", '"2', "W/2", '"a"b"', '"2",,'])
    def test_a_malformed_if_match_is_a_400_naming_it(self, api, if_match):
        stored = post(api)

        answer = api.patch(stored["workoutId"], {"notes": "x"}, if_match=if_match)

        assert answer.status == 400 and answer.error_fields == ["If-Match"], answer.body

    def test_delete_is_204_then_404_and_the_workout_is_gone_everywhere(self, api):
        stored = post(api, workoutType="yoga")

        first, second = api.delete(stored["workoutId"]), api.delete(stored["workoutId"])

        assert (first.status, second.status) == (204, 404)
        assert api.get(f"/workouts/{stored['workoutId']}").status == 404
        assert api.get("/workouts", f"userId={ALICE}").body["items"] == []
        stats = api.stats(ALICE).body
        assert (stats["totalWorkouts"], stats["byType"]) == (0, {})

    def test_totals_follow_corrections(self, api):
        first = post(api, workoutType="running", durationMinutes=30, caloriesBurned=300, distanceKm=5)
        post(api, workoutType="yoga", durationMinutes=60, caloriesBurned=150)

        api.patch(first["workoutId"], {"workoutType": "cycling", "caloriesBurned": 250.5, "distanceKm": None})

        stats = api.stats(ALICE).body
        assert (stats["totalWorkouts"], stats["totalCaloriesBurned"], stats["totalDistanceKm"]) == (2, 400.5, 0)
        assert stats["byType"] == {
            "cycling": {"workouts": 1, "durationMinutes": 30, "caloriesBurned": 250.5},
            "yoga": {"workouts": 1, "durationMinutes": 60, "caloriesBurned": 150},
        }

    @pytest.mark.parametrize("workout_id", ["nope", "0" * 37, "ABCDEF00-0000-4000-8000-000000000000", "%2E%2E"])
    def test_a_malformed_workout_id_is_a_400_naming_it(self, api, workout_id):
        for method in ("GET", "PATCH", "DELETE"):
            body = json.dumps({}) if method == "PATCH" else None
            answer = api.call(
                method, f"/workouts/{workout_id}", body=body, headers={"Content-Type": "application/json"}
            )
            assert answer.status == 400 and answer.error_fields == ["workoutId"], (method, answer.body)

    def test_another_users_workout_is_not_found_never_forbidden(self, api, monkeypatch):
        from support.inprocess import reset_process_state
        from workout_local.events import identity

        stored = post(api)
        monkeypatch.setenv("USER_BINDING", "cognito")
        reset_process_state()  # a new deployment's functions: they read the binding at cold start
        bob = identity(cognito_identity_id="us-east-1:bob")

        answers = [
            api.get(f"/workouts/{stored['workoutId']}", caller=bob),
            api.patch(stored["workoutId"], {"notes": "mine now"}, caller=bob),
            api.delete(stored["workoutId"], caller=bob),
        ]

        assert [a.status for a in answers] == [404, 404, 404]
        owner = api.get(f"/workouts/{stored['workoutId']}", caller=identity(cognito_identity_id=ALICE))
        assert (owner.status, owner.body) == (200, stored)


class TestTypeLookup:
    def test_every_users_workouts_of_a_type_page_by_page_newest_first(self, api):
        posted = []
        for n in range(9):
            body = workout(
                userId=f"user-{n % 3}", workoutType="rowing", workoutTimestamp=f"2026-05-{n + 1:02d}T06:00:00Z"
            )
            posted.append(api.post(body).body)
        api.post(workout(workoutType="yoga"))

        seen, token = [], None
        while True:
            query = "limit=4" + (f"&nextToken={token}" if token else "")
            answer = api.get("/types/rowing/workouts", query)
            assert answer.status == 200, answer.body
            seen.append([w["workoutId"] for w in answer.body["items"]])
            token = answer.body["nextToken"]
            if token is None:
                break

        assert [len(page) for page in seen] == [4, 4, 1]
        assert [i for page in seen for i in page] == [w["workoutId"] for w in reversed(posted)]

    def test_tokens_stay_short_at_the_most_shards_and_the_longest_ids(self, api, aws, monkeypatch):
        """A token holds one position whatever the shard count: with a position per shard, 12 shards or 128-character
        user ids made tokens longer than nextToken may be, and the operator could not page."""
        from support.inprocess import reset_process_state
        from workout_log.logic.tokens import MAX_TOKEN_CHARS

        monkeypatch.setenv("WORKOUT_TYPE_SHARDS", "100")
        reset_process_state()
        posted = [
            api.post(workout(userId=f"{n}".rjust(128, "u"), workoutType="rowing",
                             workoutTimestamp=f"2026-05-01T06:{n:02d}:00Z")).body
            for n in range(25)
        ]  # fmt: skip

        seen, tokens, token = [], [], None
        while True:
            answer = api.get("/types/rowing/workouts", "limit=10" + (f"&nextToken={token}" if token else ""))
            assert answer.status == 200, answer.body
            seen += [w["workoutId"] for w in answer.body["items"]]
            token = answer.body["nextToken"]
            if token is None:
                break
            tokens.append(token)

        assert seen == [w["workoutId"] for w in reversed(posted)]
        assert len(tokens) == 2 and max(map(len, tokens)) < MAX_TOKEN_CHARS / 2

    def test_a_cognito_identity_may_not_use_the_operator_route_an_iam_principal_may(self, api, monkeypatch):
        from workout_local.events import identity

        monkeypatch.setenv("USER_BINDING", "cognito")
        user = api.get("/types/running/workouts", caller=identity(cognito_identity_id=ALICE))
        operator = api.get("/types/running/workouts", caller=identity(user_arn="arn:aws:iam::123456789012:user/ops"))

        assert (user.status, operator.status) == (403, 200)

    def test_an_unknown_type_is_a_400_naming_it(self, api):
        assert api.get("/types/curling/workouts").error_fields == ["workoutType"]


class TestPeriods:
    def test_workouts_are_grouped_by_their_local_date(self, api):
        # 23:30 on March 1 in New York is March 2 in UTC; 01:00 on March 3 in Kolkata is March 2 in UTC.
        post(api, workoutTimestamp="2026-03-01T23:30:00-05:00", caloriesBurned=100)
        post(api, workoutTimestamp="2026-03-03T01:00:00+05:30", caloriesBurned=50, distanceKm=2.5)
        post(api, workoutTimestamp="2026-03-03T10:00:00Z", workoutType="yoga", caloriesBurned=25)

        days = api.stats(ALICE, "from=2026-02-01T00:00:00Z&to=2026-04-01T00:00:00Z&period=day").body["periods"]

        assert [(p["start"], p["workouts"], p["caloriesBurned"]) for p in days] == [
            ("2026-03-01", 1, 100),
            ("2026-03-03", 2, 75),
        ]
        assert days[1]["distanceKm"] == 2.5
        assert days[1]["byType"] == {
            "running": {"workouts": 1, "durationMinutes": 30, "caloriesBurned": 50},
            "yoga": {"workouts": 1, "durationMinutes": 30, "caloriesBurned": 25},
        }

    def test_weeks_start_on_monday_and_months_on_the_first(self, api):
        # 2026-03-01 is a Sunday: it belongs to the week of Monday 2026-02-23.
        for day in ("2026-03-01", "2026-03-02", "2026-03-31", "2026-04-01"):
            post(api, workoutTimestamp=f"{day}T12:00:00Z")
        span = "from=2026-01-01T00:00:00Z&to=2026-05-01T00:00:00Z"

        weeks = api.stats(ALICE, f"{span}&period=week").body["periods"]
        months = api.stats(ALICE, f"{span}&period=month").body["periods"]

        assert [(p["start"], p["workouts"]) for p in weeks] == [
            ("2026-02-23", 1), ("2026-03-02", 1), ("2026-03-30", 2)
        ]  # fmt: skip
        assert [(p["start"], p["workouts"]) for p in months] == [("2026-03-01", 3), ("2026-04-01", 1)]

    def test_a_range_that_cuts_a_period_counts_only_the_workouts_inside(self, api):
        for hour in (1, 11, 23):
            post(api, workoutTimestamp=f"2026-03-10T{hour:02d}:00:00Z", caloriesBurned=hour)

        cut = api.stats(ALICE, "from=2026-03-10T10:00:00Z&to=2026-03-10T23:00:00Z&period=month").body["periods"]

        assert [(p["start"], p["workouts"], p["caloriesBurned"]) for p in cut] == [("2026-03-01", 1, 11)]

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("from=2026-01-01T00:00:00Z&to=2027-01-03T00:00:00Z&period=day", "period"),
            ("from=1990-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&period=month", "period"),
            ("from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z", "period"),
            ("to=2026-02-01T00:00:00Z&period=day", "from"),
            ("from=2026-01-01T00:00:00Z&period=week", "to"),
            ("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z&period=day", "from"),
            ("from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&period=year", "period"),
        ],
    )
    def test_bad_period_queries_are_a_400_naming_the_field(self, api, query, field):
        answer = api.stats(ALICE, query)

        assert answer.status == 400 and answer.error_fields == [field], answer.body

    def test_366_days_are_allowed(self, api):
        post(api, workoutTimestamp="2026-01-05T12:00:00Z")

        answer = api.stats(ALICE, "from=2025-06-01T00:00:00Z&to=2026-06-02T00:00:00Z&period=day")

        assert answer.status == 200 and [p["start"] for p in answer.body["periods"]] == ["2026-01-05"]

    def test_without_a_period_query_the_answer_is_as_before(self, api):
        post(api)

        assert "periods" not in api.stats(ALICE).body

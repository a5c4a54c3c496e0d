//! Name fingerprints group the spellings of one name and keep different people apart;
//! linking candidates are ranked, exact fingerprints first.

use spanmark_core::fingerprint::{candidates, fingerprint, name_tokens, CandidateReason, KnownEntity};

#[test]
fn variants_of_one_name_share_a_fingerprint() {
    let key = fingerprint("Kim Jong-un");
    for variant in ["Kim Jong Un", "KIM Jong Un", "Jong Un Kim", "kim  jong–un", "Kim, Jong-Un."] {
        assert_eq!(fingerprint(variant), key, "{variant}");
    }
    assert_eq!(key, "jong kim un");
    // Diacritics, precomposed or combining, and full case folding.
    assert_eq!(fingerprint("José Martí"), fingerprint("JOSE\u{301} MARTI\u{301}"));
    assert_eq!(fingerprint("Jose Marti"), fingerprint("José Martí"));
    assert_eq!(fingerprint("Straße"), fingerprint("STRASSE"));
    assert_eq!(fingerprint("Путин Владимир"), fingerprint("ВЛАДИМИР ПУТИН"));
    // Hangul typed as syllables or as conjoining jamo.
    assert_eq!(fingerprint("김정은"), fingerprint("\u{1100}\u{1175}\u{11b7}\u{110c}\u{1165}\u{11bc}\u{110b}\u{1173}\u{11ab}"));
    assert_eq!(fingerprint("김정은"), "김정은");
    // Apostrophes vanish rather than split; compatibility forms fold.
    assert_eq!(fingerprint("O’Brien"), fingerprint("OBrien"));
    assert_eq!(fingerprint("Ｋｉｍ"), "kim");
    assert_eq!(fingerprint(" — 👋 "), "");
}

#[test]
fn people_who_share_a_surname_do_not() {
    let kims = ["Kim Jong-un", "Kim Yo-jong", "Kim Il-sung", "Kim Jong-il", "Kim"];
    for (i, a) in kims.iter().enumerate() {
        for b in &kims[i + 1..] {
            assert_ne!(fingerprint(a), fingerprint(b), "{a} / {b}");
        }
    }
    assert_ne!(fingerprint("Vladimir Putin"), fingerprint("Lyudmila Putina"));
    assert_eq!(name_tokens("Kim Yo-jong"), ["kim", "yo", "jong"]);
}

#[test]
fn candidates_rank_exact_fingerprints_first_and_never_by_surname_alone() {
    let none: Vec<String> = Vec::new();
    let kju_aliases = vec!["김정은".to_owned(), "Kim Jong Un".to_owned()];
    let putin_aliases = vec!["Путин".to_owned()];
    let entities = [
        KnownEntity { id: "E1", name: "Kim Yo-jong", aliases: &none },
        KnownEntity { id: "E2", name: "Kim Jong-un", aliases: &kju_aliases },
        KnownEntity { id: "E3", name: "Kim Il-sung", aliases: &none },
        KnownEntity { id: "E4", name: "Vladimir Putin", aliases: &putin_aliases },
    ];
    let found = candidates("KIM Jong Un", &entities, 10);
    assert_eq!(found[0].entity_id, "E2");
    assert_eq!(found[0].reason, CandidateReason::SameFingerprint);
    assert_eq!(found[0].score, 1.0);
    // Kim Yo-jong shares two words of three, so she may be offered, but below; Kim Il-sung
    // shares only the surname and is not offered at all.
    let ids: Vec<_> = found.iter().map(|c| c.entity_id.as_str()).collect();
    assert_eq!(ids, ["E2", "E1"]);
    assert!(found[1].score < 1.0 && found[1].reason == CandidateReason::SimilarWords);

    // An alias in another script matches by fingerprint, with the alias named.
    let hangul = candidates("김정은", &entities, 10);
    assert_eq!((hangul[0].entity_id.as_str(), hangul[0].matched_name.as_str()), ("E2", "김정은"));
    // A prefix of a word counts: "Vlad Putin" finds Vladimir Putin.
    let vlad = candidates("Vlad Putin", &entities, 10);
    assert_eq!(vlad.iter().map(|c| c.entity_id.as_str()).collect::<Vec<_>>(), ["E4"]);
    assert_eq!(vlad[0].reason, CandidateReason::SimilarWords);
    // The surname alone names nobody in particular.
    assert!(candidates("Kim", &entities, 10).is_empty());
    assert_eq!(candidates("Kim Jong Un", &entities, 1).len(), 1);
    assert!(candidates("—", &entities, 10).is_empty());
}

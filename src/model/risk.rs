//! Risk checks: dated answers to the 11 S-DASH stalking screening questions.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::validation::{ValidationError, max_len};

/// The 11 S-DASH screening questions, in their published order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskQuestion {
    /// 1. Is the victim very frightened?
    VeryFrightened,
    /// 2. Previous domestic abuse or harassment history?
    PreviousHistory,
    /// 3. Vandalised or destroyed property?
    PropertyDamage,
    /// 4. Turned up unannounced more than three times a week?
    UnannouncedVisits,
    /// 5. Followed the victim or loitered near home or work?
    FollowedOrLoitered,
    /// 6. Threats of physical or sexual violence?
    ThreatsOfViolence,
    /// 7. Harassing any third party since the harassment began?
    ThirdPartyHarassment,
    /// 8. Violent to anyone else during the stalking?
    ViolenceToOthers,
    /// 9. Engaged other people to help?
    EngagedOthers,
    /// 10. Problems with drugs, alcohol or mental health in the past year?
    DrugsAlcoholMentalHealth,
    /// 11. In trouble with the police or a criminal history?
    CriminalHistory,
}

impl RiskQuestion {
    /// All questions in order.
    pub const ALL: [RiskQuestion; 11] = [
        RiskQuestion::VeryFrightened,
        RiskQuestion::PreviousHistory,
        RiskQuestion::PropertyDamage,
        RiskQuestion::UnannouncedVisits,
        RiskQuestion::FollowedOrLoitered,
        RiskQuestion::ThreatsOfViolence,
        RiskQuestion::ThirdPartyHarassment,
        RiskQuestion::ViolenceToOthers,
        RiskQuestion::EngagedOthers,
        RiskQuestion::DrugsAlcoholMentalHealth,
        RiskQuestion::CriminalHistory,
    ];

    /// Question number, 1 to 11.
    pub fn number(self) -> usize {
        Self::ALL.iter().position(|q| *q == self).expect("listed") + 1
    }

    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskQuestion::VeryFrightened => "very_frightened",
            RiskQuestion::PreviousHistory => "previous_history",
            RiskQuestion::PropertyDamage => "property_damage",
            RiskQuestion::UnannouncedVisits => "unannounced_visits",
            RiskQuestion::FollowedOrLoitered => "followed_or_loitered",
            RiskQuestion::ThreatsOfViolence => "threats_of_violence",
            RiskQuestion::ThirdPartyHarassment => "third_party_harassment",
            RiskQuestion::ViolenceToOthers => "violence_to_others",
            RiskQuestion::EngagedOthers => "engaged_others",
            RiskQuestion::DrugsAlcoholMentalHealth => "drugs_alcohol_mental_health",
            RiskQuestion::CriminalHistory => "criminal_history",
        }
    }

    /// The question as asked (the perpetrator is "they").
    pub fn text(self) -> &'static str {
        match self {
            RiskQuestion::VeryFrightened => "Are you very frightened?",
            RiskQuestion::PreviousHistory => {
                "Is there previous domestic abuse or harassment history?"
            }
            RiskQuestion::PropertyDamage => "Have they vandalised or destroyed property?",
            RiskQuestion::UnannouncedVisits => {
                "Have they turned up unannounced more than three times a week?"
            }
            RiskQuestion::FollowedOrLoitered => {
                "Have they followed you or loitered near your home, workplace or elsewhere?"
            }
            RiskQuestion::ThreatsOfViolence => {
                "Have they made threats of physical or sexual violence?"
            }
            RiskQuestion::ThirdPartyHarassment => {
                "Have they been harassing any third party since the harassment began (family, children, friends, neighbours, colleagues)?"
            }
            RiskQuestion::ViolenceToOthers => {
                "Have they acted violently to anyone else during the stalking?"
            }
            RiskQuestion::EngagedOthers => {
                "Have they engaged other people to help, wittingly or unwittingly?"
            }
            RiskQuestion::DrugsAlcoholMentalHealth => {
                "Have they had problems in the past year with drugs, alcohol or mental health leading to problems in leading a normal life?"
            }
            RiskQuestion::CriminalHistory => {
                "Have they ever been in trouble with the police or do they have a criminal history?"
            }
        }
    }

    /// Parses a machine name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|q| q.as_str() == name)
    }
}

/// An answer to one question.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Yes.
    Yes,
    /// No.
    No,
    /// Not known, or not answered.
    #[default]
    Unknown,
}

impl Answer {
    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::Unknown => "unknown",
        }
    }
}

/// An answer with an optional note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskAnswer {
    /// Yes, no or unknown.
    pub answer: Answer,
    /// Why, or details.
    #[serde(default)]
    pub note: String,
}

/// One completed screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskCheck {
    /// The day the questions were answered.
    pub date: NaiveDate,
    /// Answers by question; a question left out counts as unknown.
    #[serde(default)]
    pub answers: BTreeMap<RiskQuestion, RiskAnswer>,
    /// Who helped complete it (an advocate, an officer), if anyone.
    #[serde(default)]
    pub completed_with: String,
}

impl RiskCheck {
    /// The answer to `question`, unknown when not given.
    pub fn answer(&self, question: RiskQuestion) -> RiskAnswer {
        self.answers.get(&question).cloned().unwrap_or_default()
    }

    /// Bounds the notes.
    pub fn validate(&self) -> Result<(), ValidationError> {
        for (q, a) in &self.answers {
            max_len(&format!("answers.{}.note", q.as_str()), &a.note, 20_000)?;
        }
        max_len("completed_with", &self.completed_with, 1_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleven_questions_in_order() {
        assert_eq!(RiskQuestion::ALL.len(), 11);
        assert_eq!(RiskQuestion::VeryFrightened.number(), 1);
        assert_eq!(RiskQuestion::CriminalHistory.number(), 11);
    }

    #[test]
    fn missing_answers_are_unknown() {
        let check: RiskCheck = serde_json::from_str(
            r#"{"date":"2026-03-01","answers":{"very_frightened":{"answer":"yes"}}}"#,
        )
        .unwrap();
        assert_eq!(
            check.answer(RiskQuestion::VeryFrightened).answer,
            Answer::Yes
        );
        assert_eq!(
            check.answer(RiskQuestion::CriminalHistory).answer,
            Answer::Unknown
        );
    }
}

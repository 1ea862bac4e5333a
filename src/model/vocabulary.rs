//! The stable machine names of behaviours and channels (DESIGN section 4).
//!
//! These names are part of the JSON input and output and of every stored
//! record: never rename one. Labels are plain English for the CLI and reports.

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $machine:literal, $label:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $machine)] $variant,)*
        }

        impl $name {
            /// Every value, in the documented order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The stable machine name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $machine,)* }
            }

            /// A plain-English label.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)* }
            }

            /// Parses a machine name.
            pub fn parse(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// What the perpetrator did.
    Behaviour {
        /// Followed the victim.
        Following => "following", "Followed me";
        /// Watched or spied on the victim.
        Watching => "watching", "Watched or spied on me";
        /// Loitered near home, work or elsewhere.
        Loitering => "loitering", "Hung around near me";
        /// Approached or confronted the victim.
        Approaching => "approaching", "Approached or confronted me";
        /// Contact the victim did not want.
        ContactUnwanted => "contact_unwanted", "Contacted me when I did not want it";
        /// Left or sent gifts or items.
        GiftsOrItems => "gifts_or_items", "Left or sent gifts or items";
        /// Interfered with property.
        PropertyInterference => "property_interference", "Interfered with my property";
        /// Damaged property.
        PropertyDamage => "property_damage", "Damaged my property";
        /// Threatened the victim or others.
        Threats => "threats", "Threatened me or others";
        /// Physical violence.
        Violence => "violence", "Was violent";
        /// Sexual behaviour or assault.
        Sexual => "sexual", "Sexual behaviour or assault";
        /// Contacted people around the victim.
        ThirdPartyContact => "third_party_contact", "Contacted people around me";
        /// Published material about the victim.
        PublishingMaterial => "publishing_material", "Published material about me";
        /// Monitored the victim's online activity.
        OnlineMonitoring => "online_monitoring", "Monitored me online";
        /// Tracked the victim's location or devices.
        Tracking => "tracking", "Tracked my location or devices";
        /// Pretended to be the victim or someone else.
        Impersonation => "impersonation", "Pretended to be me or someone else";
        /// Broke a court order or bail condition.
        OrderBreach => "order_breach", "Broke an order or bail condition";
        /// Anything else.
        Other => "other", "Something else";
    }
}

vocabulary! {
    /// How the behaviour reached the victim.
    Channel {
        /// Face to face.
        InPerson => "in_person", "In person";
        /// A phone call.
        PhoneCall => "phone_call", "Phone call";
        /// SMS or MMS.
        TextMessage => "text_message", "Text message";
        /// WhatsApp, Signal and similar.
        MessagingApp => "messaging_app", "Messaging app";
        /// Email.
        Email => "email", "Email";
        /// Social media.
        SocialMedia => "social_media", "Social media";
        /// Letters or parcels.
        Post => "post", "Post";
        /// Through another person.
        ViaThirdParty => "via_third_party", "Through someone else";
        /// Through the victim's own device or accounts.
        DeviceOrAccount => "device_or_account", "Through my device or accounts";
        /// Anything else.
        Other => "other", "Other";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_names_are_stable() {
        let names: Vec<&str> = Behaviour::ALL.iter().map(|b| b.as_str()).collect();
        assert_eq!(
            names.join(","),
            "following,watching,loitering,approaching,contact_unwanted,gifts_or_items,property_interference,property_damage,threats,violence,sexual,third_party_contact,publishing_material,online_monitoring,tracking,impersonation,order_breach,other"
        );
        let names: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names.join(","),
            "in_person,phone_call,text_message,messaging_app,email,social_media,post,via_third_party,device_or_account,other"
        );
    }

    #[test]
    fn serde_uses_machine_names() {
        for b in Behaviour::ALL {
            assert_eq!(
                serde_json::to_string(b).unwrap(),
                format!("\"{}\"", b.as_str())
            );
            assert_eq!(Behaviour::parse(b.as_str()), Some(*b));
        }
        assert!(serde_json::from_str::<Channel>("\"carrier_pigeon\"").is_err());
    }
}

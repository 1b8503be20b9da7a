//! From flags, a `--config` file and the environment to the engine's inputs and connection. Credentials
//! come only from the environment (or `az login`), never from flags or files.

use setup_engine::{
    Auth0Credentials, AzureCloud, AzureSignIn, Connection, DeadLetterInput, DeliveryRetryInput,
    DestinationInput, DestinationKind, ErrorCode, PiiInput, Secret, SetupDocument, SetupError,
    SetupInputs,
};

use std::sync::Arc;

use azure_client::{
    AzureEndpoints, CertificateError, ClientCertificate, service_principal_certificate_credential,
};

use sign_in::{CloudSettingNames, CloudSettings};

use crate::args::{Cloud, Destination, Settings};

/// Flags over the `--config` file's values. The file is a setup document (`{"version": 1, "inputs": ...}`,
/// see the README), or the older flat settings file (the flags' names as keys, no `version`), still read so
/// existing files keep working; only that older shape can hold connection options.
pub fn merge(flags: Settings) -> Result<Settings, SetupError> {
    let Some(path) = flags.config.clone() else {
        return Ok(flags);
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        let mut error =
            SetupError::invalid("config", format!("could not read {}: {e}", path.display()));
        error.remedy = "Check the path given to --config.".into();
        error
    })?;
    let file = read_config(&text).map_err(|mut error| {
        error.message = format!("{}: {}", path.display(), error.message);
        error
    })?;
    // A file's "no masking" gives way to fields chosen by a flag.
    let no_pii_masking = flags.no_pii_masking
        || (file.no_pii_masking && flags.pii_fields.is_none() && flags.pii_method.is_none());
    Ok(Settings {
        config: flags.config,
        no_pii_masking,
        auth0_domain: flags.auth0_domain.or(file.auth0_domain),
        auth0_audience: flags.auth0_audience.or(file.auth0_audience),
        stream_name: flags.stream_name.or(file.stream_name),
        subscription_id: flags.subscription_id.or(file.subscription_id),
        resource_group: flags.resource_group.or(file.resource_group),
        region: flags.region.or(file.region),
        create_resource_group: flags.create_resource_group || file.create_resource_group,
        authorization_days: flags.authorization_days.or(file.authorization_days),
        event_categories: flags.event_categories.or(file.event_categories),
        pii_fields: flags.pii_fields.or(file.pii_fields),
        pii_method: flags.pii_method.or(file.pii_method),
        start_from: flags.start_from.or(file.start_from),
        destination: flags.destination.or(file.destination),
        webhook_url: flags.webhook_url.or(file.webhook_url),
        destination_resource_id: flags
            .destination_resource_id
            .or(file.destination_resource_id),
        queue_name: flags.queue_name.or(file.queue_name),
        max_events_per_batch: flags.max_events_per_batch.or(file.max_events_per_batch),
        preferred_batch_size_kb: flags
            .preferred_batch_size_kb
            .or(file.preferred_batch_size_kb),
        event_subscription_name: flags
            .event_subscription_name
            .or(file.event_subscription_name),
        log_codes: flags.log_codes.or(file.log_codes),
        max_delivery_attempts: flags.max_delivery_attempts.or(file.max_delivery_attempts),
        event_ttl_minutes: flags.event_ttl_minutes.or(file.event_ttl_minutes),
        dead_letter_storage_account_id: flags
            .dead_letter_storage_account_id
            .or(file.dead_letter_storage_account_id),
        dead_letter_container: flags.dead_letter_container.or(file.dead_letter_container),
        azure_cloud: flags.azure_cloud.or(file.azure_cloud),
        azure_authority_url: flags.azure_authority_url.or(file.azure_authority_url),
        azure_management_url: flags.azure_management_url.or(file.azure_management_url),
        azure_cli: flags.azure_cli || file.azure_cli,
        azure_client_certificate: flags
            .azure_client_certificate
            .or(file.azure_client_certificate),
        progress_file: flags.progress_file.or(file.progress_file),
    })
}

/// A setup document when the file says its `version`, the older flat settings otherwise.
fn read_config(text: &str) -> Result<Settings, SetupError> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| SetupError::invalid("config", format!("is not JSON: {e}")))?;
    if value.get("version").is_some() {
        return Ok(from_document(SetupDocument::from_value(value)?.inputs));
    }
    serde_json::from_value(value)
        .map_err(|e| SetupError::invalid("config", format!("is not a valid settings file: {e}")))
}

/// A document's inputs as the flags that would set them, so flags override them field by field.
fn from_document(inputs: SetupInputs) -> Settings {
    let destination = inputs.destination;
    let (pii_fields, pii_method, no_pii_masking) = match inputs.pii {
        Some(pii) => (Some(pii.log_fields), Some(pii.method), false),
        // A document without `pii` turned masking off.
        None => (None, None, true),
    };
    let (dead_letter_storage_account_id, dead_letter_container) = match inputs.dead_letter {
        Some(dead_letter) => (
            Some(dead_letter.storage_account_id),
            Some(dead_letter.container_name),
        ),
        None => (None, None),
    };
    Settings {
        auth0_domain: Some(inputs.auth0_domain),
        stream_name: Some(inputs.stream_name),
        subscription_id: Some(inputs.subscription_id),
        resource_group: Some(inputs.resource_group),
        region: Some(inputs.region),
        create_resource_group: inputs.create_resource_group,
        authorization_days: Some(inputs.authorization_days),
        event_categories: Some(inputs.event_categories),
        pii_fields,
        pii_method,
        no_pii_masking,
        start_from: inputs.start_from,
        destination: Some(Destination::from(destination.kind)),
        webhook_url: destination.webhook_url,
        destination_resource_id: destination.resource_id,
        queue_name: destination.queue_name,
        max_events_per_batch: destination.max_events_per_batch,
        preferred_batch_size_kb: destination.preferred_batch_size_in_kilobytes,
        event_subscription_name: Some(inputs.event_subscription_name),
        log_codes: Some(inputs.log_codes),
        max_delivery_attempts: Some(inputs.retry.max_delivery_attempts),
        event_ttl_minutes: Some(inputs.retry.event_time_to_live_in_minutes),
        dead_letter_storage_account_id,
        dead_letter_container,
        ..Settings::default()
    }
}

fn required(field: &str, flag: &str, value: Option<String>) -> Result<String, SetupError> {
    value.ok_or_else(|| {
        let mut error = SetupError::invalid(field, "is required");
        error.remedy = format!("Pass --{flag} (or set {field} in the --config file).");
        error
    })
}

pub fn inputs(s: &Settings) -> Result<SetupInputs, SetupError> {
    // What no flag or file gives comes from the engine's defaults, the window's too; the tenant, the
    // subscription, the group and the region must be given, and no group is created unless asked.
    let defaults = setup_engine::default_inputs();
    let kind = s
        .destination
        .map_or(defaults.destination.kind, DestinationKind::from);
    let dead_letter = match (&s.dead_letter_storage_account_id, &s.dead_letter_container) {
        (None, None) => None,
        (Some(id), Some(container)) => Some(DeadLetterInput {
            storage_account_id: id.clone(),
            container_name: container.clone(),
        }),
        (Some(_), None) => {
            return Err(SetupError::invalid(
                "dead_letter.container_name",
                "is required with a dead-letter storage account",
            ));
        }
        (None, Some(_)) => {
            return Err(SetupError::invalid(
                "dead_letter.storage_account_id",
                "is required with a dead-letter container",
            ));
        }
    };
    Ok(SetupInputs {
        auth0_domain: required("auth0_domain", "auth0-domain", s.auth0_domain.clone())?,
        stream_name: s.stream_name.clone().unwrap_or(defaults.stream_name),
        subscription_id: required(
            "subscription_id",
            "subscription-id",
            s.subscription_id.clone(),
        )?,
        resource_group: required("resource_group", "resource-group", s.resource_group.clone())?,
        region: required("region", "region", s.region.clone())?,
        create_resource_group: s.create_resource_group,
        authorization_days: s.authorization_days.unwrap_or(defaults.authorization_days),
        event_categories: s.event_categories.clone().unwrap_or_default(),
        // Personal data is masked unless turned off, as in the window: every field Auth0 can mask unless
        // --pii-fields chooses.
        pii: if s.no_pii_masking {
            None
        } else {
            let default_fields = defaults.pii.map(|pii| pii.log_fields).unwrap_or_default();
            Some(PiiInput {
                log_fields: s.pii_fields.clone().unwrap_or(default_fields),
                method: s.pii_method.clone().unwrap_or_else(|| "mask".into()),
            })
        },
        start_from: s.start_from.clone(),
        destination: DestinationInput {
            kind,
            webhook_url: s.webhook_url.clone(),
            resource_id: s.destination_resource_id.clone(),
            queue_name: s.queue_name.clone(),
            max_events_per_batch: s.max_events_per_batch,
            preferred_batch_size_in_kilobytes: s.preferred_batch_size_kb,
        },
        event_subscription_name: s
            .event_subscription_name
            .clone()
            .unwrap_or(defaults.event_subscription_name),
        log_codes: s.log_codes.clone().unwrap_or_default(),
        retry: DeliveryRetryInput {
            max_delivery_attempts: s
                .max_delivery_attempts
                .unwrap_or(defaults.retry.max_delivery_attempts),
            event_time_to_live_in_minutes: s
                .event_ttl_minutes
                .unwrap_or(defaults.retry.event_time_to_live_in_minutes),
        },
        dead_letter,
    })
}

/// Reads one environment variable; an empty value counts as missing.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

fn env_required(env: Env<'_>, name: &str, why: &str) -> Result<String, SetupError> {
    env(name).filter(|v| !v.trim().is_empty()).ok_or_else(|| {
        SetupError::new(
            ErrorCode::InvalidInput,
            format!("The environment variable {name} is not set."),
            format!("Set {name} ({why})."),
        )
    })
}

pub fn connection(s: &Settings, env: Env<'_>) -> Result<Connection, SetupError> {
    let auth0 = match env("AUTH0_MANAGEMENT_TOKEN").filter(|v| !v.trim().is_empty()) {
        Some(token) => Auth0Credentials::ManagementToken(Secret::new(token)),
        None => Auth0Credentials::ClientCredentials {
            client_id: env_required(
                env,
                "AUTH0_CLIENT_ID",
                "the client id of an Auth0 Machine to Machine application",
            )?,
            client_secret: Secret::new(env_required(
                env,
                "AUTH0_CLIENT_SECRET",
                "that application's client secret",
            )?),
        },
    };
    let azure_cloud = azure_cloud(s)?;
    if s.azure_cli && s.azure_client_certificate.is_some() {
        return Err(SetupError::invalid(
            "azure_client_certificate",
            "cannot be combined with --azure-cli: choose one way to sign in to Azure",
        ));
    }
    let azure = if s.azure_cli {
        AzureSignIn::AzureCli
    } else if let Some(path) = &s.azure_client_certificate {
        certificate_sign_in(&azure_cloud, path, env)?
    } else {
        AzureSignIn::ServicePrincipal {
            tenant_id: env_required(
                env,
                "AZURE_TENANT_ID",
                "the service principal's tenant, or use --azure-cli",
            )?,
            client_id: env_required(
                env,
                "AZURE_CLIENT_ID",
                "the service principal's application id, or use --azure-cli",
            )?,
            client_secret: Secret::new(env_required(
                env,
                "AZURE_CLIENT_SECRET",
                "the service principal's secret, or use --azure-cli",
            )?),
        }
    };
    Ok(Connection {
        auth0,
        auth0_audience: s.auth0_audience.clone(),
        azure_cloud,
        azure,
    })
}

/// The Azure cloud of `--azure-cloud` and its URLs, by the rules the window's presets follow (the sign-in
/// crate's), errors naming the flags.
pub fn azure_cloud(s: &Settings) -> Result<AzureCloud, SetupError> {
    let cloud = s.azure_cloud.map(|cloud| match cloud {
        Cloud::Public => "public",
        Cloud::Usgov => "usgov",
        Cloud::China => "china",
        Cloud::Custom => "custom",
    });
    CloudSettings {
        cloud: cloud.map(str::to_owned),
        authority_url: s.azure_authority_url.clone(),
        management_url: s.azure_management_url.clone(),
    }
    .azure_cloud(CloudSettingNames::FLAGS)
}

/// The service principal of AZURE_TENANT_ID / AZURE_CLIENT_ID with a certificate file; every problem with
/// the file is named (field `azure_certificate_path`) before anything is sent.
fn certificate_sign_in(
    cloud: &AzureCloud,
    path: &std::path::Path,
    env: Env<'_>,
) -> Result<AzureSignIn, SetupError> {
    let tenant_id = env_required(env, "AZURE_TENANT_ID", "the service principal's tenant")?;
    let client_id = env_required(
        env,
        "AZURE_CLIENT_ID",
        "the service principal's application id",
    )?;
    let password = env("AZURE_CLIENT_CERTIFICATE_PASSWORD")
        .filter(|p| !p.is_empty())
        .map(Secret::new);
    let field = "azure_certificate_path";
    // The one reader of key and certificate files: a regular file of at most 64 KiB, no network path.
    let bytes = sign_in::read_key_file_blocking(field, path).map_err(|e| {
        let mut error = SetupError::from(e);
        error.remedy = "Check the path given to --azure-client-certificate.".into();
        error
    })?;
    let certificate = ClientCertificate::from_bytes(&bytes, password.as_ref()).map_err(|e| {
        let mut error = SetupError::invalid(field, format!("{}: {e}", path.display()));
        if matches!(
            e,
            CertificateError::PasswordRequired | CertificateError::WrongPassword
        ) {
            error.remedy =
                "Set AZURE_CLIENT_CERTIFICATE_PASSWORD to the certificate file's password.".into();
        }
        error
    })?;
    let endpoints = AzureEndpoints::for_cloud(cloud)?;
    let credential = service_principal_certificate_credential(
        &endpoints,
        tenant_id.trim(),
        client_id.trim(),
        Arc::new(certificate),
    )?;
    Ok(AzureSignIn::Credential(credential))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> Settings {
        let cli = crate::args::Cli::try_parse_from(args).unwrap();
        match cli.command {
            crate::args::Command::Setup { settings, .. } => settings,
            _ => panic!("not setup"),
        }
    }

    const REQUIRED: [&str; 8] = [
        "--auth0-domain",
        "acme.eu.auth0.com",
        "--subscription-id",
        "11111111-2222-3333-4444-555555555555",
        "--resource-group",
        "rg",
        "--region",
        "westeurope",
    ];

    fn setup_inputs(extra: &[&str]) -> SetupInputs {
        let args = [&["auth0-eventgrid", "setup"][..], &REQUIRED[..], extra].concat();
        inputs(&merge(parse(&args)).unwrap()).unwrap()
    }

    /// As in the window, personal data is masked unless turned off: every field Auth0 can mask by default,
    /// the fields --pii-fields chooses, none with --no-pii-masking; the two together are refused.
    #[test]
    fn personal_data_is_masked_unless_turned_off() {
        assert_eq!(setup_inputs(&[]).pii, setup_engine::default_inputs().pii);
        assert_eq!(
            setup_inputs(&["--pii-fields", "email,phone", "--pii-method", "hash"]).pii,
            Some(PiiInput {
                log_fields: vec!["email".into(), "phone".into()],
                method: "hash".into(),
            })
        );
        assert_eq!(setup_inputs(&["--no-pii-masking"]).pii, None);
        for both in [
            &["--no-pii-masking", "--pii-fields", "email"][..],
            &["--no-pii-masking", "--pii-method", "hash"][..],
        ] {
            let args = [&["auth0-eventgrid", "setup"][..], both].concat();
            let error = crate::args::Cli::try_parse_from(args).unwrap_err();
            assert_eq!(error.kind(), clap::error::ErrorKind::ArgumentConflict);
        }
    }

    /// A document without `pii` turned masking off, and keeps it off; a flag choosing fields turns it on.
    #[test]
    fn a_document_without_masking_stays_unmasked_unless_a_flag_chooses_fields() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("setup.json");
        let document = SetupDocument::new(SetupInputs {
            auth0_domain: "acme.eu.auth0.com".into(),
            subscription_id: "11111111-2222-3333-4444-555555555555".into(),
            pii: None,
            ..setup_engine::default_inputs()
        });
        std::fs::write(&file, document.to_json()).unwrap();
        let config = file.to_str().unwrap();
        let read = |extra: &[&str]| {
            let args = [&["auth0-eventgrid", "setup", "--config", config][..], extra].concat();
            inputs(&merge(parse(&args)).unwrap()).unwrap().pii
        };
        assert_eq!(read(&[]), None);
        assert_eq!(
            read(&["--pii-fields", "email"]),
            Some(PiiInput {
                log_fields: vec!["email".into()],
                method: "mask".into(),
            })
        );
    }

    #[test]
    fn flags_override_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("settings.json");
        std::fs::write(
            &file,
            r#"{"auth0_domain": "file.auth0.com", "region": "westeurope", "subscription_id": "11111111-2222-3333-4444-555555555555",
                "resource_group": "from-file", "event_categories": ["auth.login.fail"], "destination": "eventhub"}"#,
        )
        .unwrap();
        let settings = merge(parse(&[
            "auth0-eventgrid",
            "setup",
            "--config",
            file.to_str().unwrap(),
            "--resource-group",
            "from-flag",
            "--event-categories",
            "auth.login.success,auth.signup.fail",
        ]))
        .unwrap();
        let inputs = inputs(&settings).unwrap();
        assert_eq!(inputs.auth0_domain, "file.auth0.com");
        assert_eq!(inputs.resource_group, "from-flag");
        assert_eq!(
            inputs.event_categories,
            vec!["auth.login.success", "auth.signup.fail"]
        );
        assert_eq!(inputs.destination.kind, DestinationKind::Eventhub);
    }

    /// Every field of a document reaches the engine as written: none is dropped on the way through the flags'
    /// shape.
    #[test]
    fn a_setup_document_gives_every_input() {
        let document = SetupDocument::new(SetupInputs {
            auth0_domain: "acme.eu.auth0.com".into(),
            stream_name: "Logs".into(),
            subscription_id: "11111111-2222-3333-4444-555555555555".into(),
            resource_group: "rg".into(),
            region: "northeurope".into(),
            create_resource_group: true,
            authorization_days: 30,
            event_categories: vec!["auth.login.fail".into()],
            pii: Some(PiiInput {
                log_fields: vec!["email".into()],
                method: "hash".into(),
            }),
            start_from: Some("2031-01-01T00:00:00Z".into()),
            destination: DestinationInput {
                kind: DestinationKind::Storagequeue,
                webhook_url: Some("https://hooks.example.com/x".into()),
                resource_id: Some("/subscriptions/x/storage".into()),
                queue_name: Some("queue".into()),
                max_events_per_batch: Some(10),
                preferred_batch_size_in_kilobytes: Some(64),
            },
            event_subscription_name: "sub".into(),
            log_codes: vec!["f".into()],
            retry: DeliveryRetryInput {
                max_delivery_attempts: 5,
                event_time_to_live_in_minutes: 60,
            },
            dead_letter: Some(DeadLetterInput {
                storage_account_id: "/subscriptions/x/dead".into(),
                container_name: "letters".into(),
            }),
        });
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("setup.json");
        std::fs::write(&file, document.to_json()).unwrap();
        let settings = merge(parse(&[
            "auth0-eventgrid",
            "setup",
            "--config",
            file.to_str().unwrap(),
        ]))
        .unwrap();
        assert_eq!(inputs(&settings).unwrap(), document.inputs);
        assert_eq!(
            settings.azure_cloud, None,
            "a document holds no connection option"
        );
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.json");
        std::fs::write(&file, r#"{"auth0_client_secret": "x"}"#).unwrap();
        let error = merge(parse(&[
            "auth0-eventgrid",
            "setup",
            "--config",
            file.to_str().unwrap(),
        ]))
        .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("config"));
    }

    #[test]
    fn missing_settings_and_credentials_are_named() {
        let error = inputs(&parse(&[
            "auth0-eventgrid",
            "setup",
            "--region",
            "westeurope",
        ]))
        .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("auth0_domain"));
        assert!(error.remedy.contains("--auth0-domain"));
        let none = |_: &str| None;
        let error = connection(&Settings::default(), &none).err().unwrap();
        assert!(error.message.contains("AUTH0_CLIENT_ID"));
        let auth0_only = |name: &str| name.starts_with("AUTH0_").then(|| "x".to_owned());
        let error = connection(&Settings::default(), &auth0_only).err().unwrap();
        assert!(error.message.contains("AZURE_TENANT_ID") && error.remedy.contains("--azure-cli"));
    }

    #[test]
    fn a_certificate_that_is_not_a_small_regular_file_is_refused_before_reading() {
        let folder = tempfile::tempdir().unwrap();
        let large = folder.path().join("large.pem");
        std::fs::write(&large, vec![b'a'; 65 * 1024]).unwrap();
        let cloud = azure_cloud(&Settings::default()).unwrap();
        let env = |name: &str| name.starts_with("AZURE_").then(|| "x".to_owned());
        let mut cases = vec![
            (large.as_path(), "larger than 64 KiB"),
            (folder.path(), "a folder, not a regular file"),
        ];
        if cfg!(unix) {
            cases.push((std::path::Path::new("/dev/zero"), "not a regular file"));
        }
        for (path, expected) in cases {
            let error = certificate_sign_in(&cloud, path, &env).err().unwrap();
            assert_eq!(error.field.as_deref(), Some("azure_certificate_path"));
            assert!(error.message.contains(expected), "{expected}: {error:?}");
            assert!(error.remedy.contains("--azure-client-certificate"));
        }
    }
}

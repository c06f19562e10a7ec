# Fleet targets: the team's apt repository (aptly) and deploys (Ansible). The Makefile includes this file.
# The path from a commit to production, with every command: deploy/README.md.

# aptly on the repository host: its configuration (deploy/aptly.conf is an example: rootDir, architectures).
APTLY_CONFIG ?= /etc/aptly.conf
APTLY = aptly -config="$$APTLY_CONFIG"
# The key that signs each distribution's Release file (a fingerprint); empty: gpg's default secret key.
REPO_KEY ?=
PUBLISH_FLAGS = -batch $(if $(REPO_KEY),-gpg-key="$$REPO_KEY")
# repo-add: the .deb files (CI builds them into debs/) and the distribution they go to.
DEBS ?= $(wildcard debs/*.deb)
DIST ?= development
# repo-include: where dput's uploads land (one directory per distribution, as in dput.cf).
INCOMING ?= /srv/apt/incoming
# promote: from which distribution to which.
FROM ?= staging
TO ?= production
# deploy, rollback: the inventory and its host group.
INVENTORY ?= deploy/inventory.yml
HOSTS ?= pst_gunicorn
ANSIBLE_PLAYBOOK ?= ansible-playbook
# More ansible-playbook arguments, e.g. ANSIBLE_ARGS="--limit app1.example.com" or ANSIBLE_ARGS="-e deploy_serial=2".
ANSIBLE_ARGS ?=
# Read in recipes as "$$VERSION" etc., so that no value is ever spliced into the shell text.
export VERSION FROM TO DIST REPO_KEY HOSTS INVENTORY APTLY_CONFIG INCOMING

# A Debian version (1.2.0, 1.2.0~rc1, 1.3.0~20261122103000+git1a2b3c4), or exit 2 naming the fix.
CHECK_VERSION = case "$$VERSION" in [0-9]*) case "$$VERSION" in *[!A-Za-z0-9.+~:-]*) ;; *) exit 0;; esac;; esac; \
	echo "$@: set VERSION to a Debian version, e.g. make $@ VERSION=1.2.0 (make repo-list shows them)" >&2; exit 2

.PHONY: repo-init repo-add repo-include promote repo-list deploy rollback

repo-init: ## Create and publish the development, staging and production distributions (once, on the repository host)
	for d in development staging production; do \
	  $(APTLY) repo show "$$d" >/dev/null 2>&1 || $(APTLY) repo create -distribution="$$d" -component=main "$$d" || exit 1; \
	  $(APTLY) publish show "$$d" >/dev/null 2>&1 || $(APTLY) publish repo $(PUBLISH_FLAGS) "$$d" || exit 1; \
	done

repo-add: ## Add the .debs (DEBS=debs/*.deb) to DIST (development or staging) and publish it: for CI next to the repository
	@case "$$DIST" in development|staging) ;; *) echo "repo-add: DIST must be development or staging; production only takes promoted builds (make promote)" >&2; exit 2;; esac
	@[ -n "$(DEBS)" ] || { echo "repo-add: no .deb to add: build one (make deb-snapshot) or name them with DEBS=" >&2; exit 2; }
	$(APTLY) repo add "$$DIST" $(DEBS)
	$(APTLY) publish update $(PUBLISH_FLAGS) "$$DIST"

repo-include: ## Take dput's uploads (INCOMING/development, INCOMING/staging) into their distributions (cron on the repository host)
	for d in development staging; do \
	  $(APTLY) repo include -accept-unsigned -repo="$$d" "$$INCOMING/$$d" || exit 1; \
	  $(APTLY) publish update $(PUBLISH_FLAGS) "$$d" || exit 1; \
	done

promote: ## Copy VERSION of the package from FROM (staging) to TO (production): the same file, never a rebuild
	@$(CHECK_VERSION)
	@$(APTLY) repo search "$$FROM" "$(PACKAGE) (= $$VERSION)" >/dev/null 2>&1 || { echo "promote: $(PACKAGE) $$VERSION is not in $$FROM (make repo-list shows what is where)" >&2; exit 1; }
	$(APTLY) repo copy "$$FROM" "$$TO" "$(PACKAGE) (= $$VERSION)"
	$(APTLY) publish update $(PUBLISH_FLAGS) "$$TO"

repo-list: ## List the package's versions in each distribution
	@for d in development staging production; do \
	  out=$$($(APTLY) repo search -format="$$d {{.Version}} {{.Architecture}}" "$$d" "$(PACKAGE)" 2>&1) || \
	    case "$$out" in *'no results'*) out="$$d -";; *) printf '%s\n' "$$out" >&2; exit 1;; esac; \
	  printf '%s\n' "$$out"; \
	done

deploy: ## Install VERSION on the HOSTS group of INVENTORY, a batch at a time, each host passing its health check
	@$(CHECK_VERSION)
	ANSIBLE_CONFIG=deploy/ansible.cfg $(ANSIBLE_PLAYBOOK) -i "$$INVENTORY" deploy/deploy.yml -e "deploy_version=$$VERSION" -e "deploy_hosts=$$HOSTS" $(ANSIBLE_ARGS)

rollback: ## Install an earlier VERSION the same way (make rollback VERSION=1.1.0)
	@$(CHECK_VERSION)
	ANSIBLE_CONFIG=deploy/ansible.cfg $(ANSIBLE_PLAYBOOK) -i "$$INVENTORY" deploy/rollback.yml -e "deploy_version=$$VERSION" -e "deploy_hosts=$$HOSTS" $(ANSIBLE_ARGS)

"""Many hosts: rendering a fleet, deploying rendered trees, the Ansible
playbook and module."""
